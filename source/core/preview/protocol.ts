/** The terminal image protocols sdstats speaks (kept apart from the encoders, so flag parsing loads none of them). */
export type Protocol = 'kitty' | 'iterm' | 'sixel' | 'blocks';
export const PROTOCOLS: readonly Protocol[] = ['kitty', 'iterm', 'sixel', 'blocks'];
