import {describe, expect, it} from 'vitest';
import {MAX_LABEL, rootLabels} from '../../source/core/root-labels.js';

describe('rootLabels: short, unambiguous root column labels', () => {
	it.each([
		{names: ['main', 'archive'], labels: ['main', 'archive']},
		// Long names are cut to as much as fits.
		{names: ['main', 'archive-disk-2024'], labels: ['main', 'archive-d…']},
		{names: ['archive-disk-2024', 'archive-usb'], labels: ['archive-d…', 'archive-u…']},
		// Names that begin alike past the limit keep both ends.
		{names: ['photos-from-2024', 'photos-from-2025'], labels: ['photos-f…4', 'photos-f…5']},
		// The same name twice (IMAGE_FOLDERS allows it) gets the position.
		{names: ['main', 'main'], labels: ['main#1', 'main#2']},
		{names: ['ünïcødé-földer-one', 'ünïcødé-földer-two'], labels: ['ünïcødé-…e', 'ünïcødé-…o']},
	])('$names → $labels', ({names, labels}) => {
		const made = rootLabels(names);
		expect(made).toEqual(labels);
		expect(new Set(made).size).toBe(names.length);
		for (const label of made) expect([...label].length).toBeLessThanOrEqual(MAX_LABEL);
	});

	it('every label begins as its name does, so root:LABEL-without-the-ellipsis finds it', () => {
		const names = ['results-main-disk', 'results-backup', 'x'];
		rootLabels(names).forEach((label, i) => expect(names[i]!.startsWith(label.split('…')[0]!)).toBe(true));
	});
});
