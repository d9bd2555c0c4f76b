/** Where remembered views live: one file per root, and one per set of roots opened together. */
import crypto from 'node:crypto';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {viewStatePath} from '../../source/ui/data/view-store.js';

const env = {XDG_STATE_HOME: '/state'};
const at = (roots: string | readonly string[]): string => viewStatePath(env, '/home/u', '/tmp', roots);

describe('viewStatePath', () => {
	it('keeps the file one root always had (a hash of its resolved path)', () => {
		const hash = crypto.createHash('sha256').update(path.resolve('/results')).digest('hex').slice(0, 16);
		expect(at('/results')).toBe(path.join('/state', 'sdstats', `views-${hash}.json`));
		expect(at(['/results'])).toBe(at('/results'));
		expect(at('/results/../results/')).toBe(at('/results'));
	});

	it('gives several roots a view of their own, not the first root’s (regression: it was stored under the first root)', () => {
		const both = at(['/results', '/mnt/usb/archive']);
		expect(both).not.toBe(at('/results'));
		expect(both).not.toBe(at('/mnt/usb/archive'));
		// The same roots in another order, or one named twice, are the same set.
		expect(at(['/mnt/usb/archive', '/results'])).toBe(both);
		expect(at(['/results', '/mnt/usb/archive', '/results/'])).toBe(both);
	});

	it('falls back to ~/.local/state, then the temporary folder', () => {
		expect(viewStatePath({}, '/home/u', '/tmp', '/r')).toMatch(/^\/home\/u\/\.local\/state\/sdstats\/views-/);
		expect(viewStatePath({XDG_STATE_HOME: 'relative'}, '', '/tmp', '/r')).toMatch(/^\/tmp\/sdstats-state\/views-/);
	});
});
