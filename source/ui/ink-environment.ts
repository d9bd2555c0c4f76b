/**
 * The environment Ink and React read once, when they are first imported; set before the explorer loads them.
 */

/**
 * - CI (or CONTINUOUS_INTEGRATION) makes Ink draw only a final frame; on a real terminal someone is looking,
 *   so they are cleared.
 * - React picks its development build unless NODE_ENV is "production". That build records every render with a
 *   diff of the props for the profiler; with 100,000 rows in the props each key cost seconds and gigabytes
 *   (regression: the explorer froze and ran out of memory after a sort). A NODE_ENV left in a user's shell for
 *   their own projects is not meant for sdstats, so it is overridden.
 */
export function prepareInkEnvironment(env: NodeJS.ProcessEnv): void {
	delete env.CI;
	delete env.CONTINUOUS_INTEGRATION;
	env.NODE_ENV = 'production';
}
