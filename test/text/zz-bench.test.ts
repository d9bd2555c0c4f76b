import {test} from 'vitest';
import {sanitizeLine} from '../../source/text/sanitize.js';
import {fitToWidth, wrapToWidth, truncateToWidth, displayWidth} from '../../source/text/width.js';
test('bench', () => {
	const clean = Array.from({length: 100_000}, (_, i) => `masterpiece, best quality, row ${i} with a long prompt text here`);
	const dirty = clean.map(s => `\x1b[31m${s}\x1b]0;x\x07\n`);
	const cjk = Array.from({length: 100_000}, (_, i) => `日本語のプロンプト ${i} 🎨 emoji`);
	const cx = Array.from({length: 100_000}, (_, i) => `café ${i} 👩‍💻 naïve e\u0301 text`);
	for (let r = 0; r < 2; r++) {
	let t = performance.now(); for (const s of clean) sanitizeLine(s); console.log('clean', performance.now() - t);
	t = performance.now(); for (const s of dirty) sanitizeLine(s); console.log('dirty', performance.now() - t);
	t = performance.now(); for (const s of clean) fitToWidth(s, 30); console.log('fit ascii', performance.now() - t);
	t = performance.now(); for (const s of cjk) fitToWidth(s, 12); console.log('fit cjk', performance.now() - t);
	t = performance.now(); for (const s of cx) fitToWidth(s, 12); console.log('fit complex', performance.now() - t);
	t = performance.now(); for (const s of cjk.slice(0, 10000)) wrapToWidth(s + ' ' + s, 10); console.log('wrap 10k', performance.now() - t);
	}
	let t = performance.now(); truncateToWidth('e\u0301'.repeat(300000), 7); console.log('long complex trunc', performance.now() - t);
	t = performance.now(); displayWidth('e\u0301'.repeat(300000)); console.log('long complex width', performance.now() - t);
	t = performance.now(); wrapToWidth('e\u0301 '.repeat(30000), 20); console.log('long complex wrap', performance.now() - t);
});
