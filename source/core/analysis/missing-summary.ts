/**
 * The one sentence that heads a missing-images report (`sdstats show --missing`, the details' insight): what is
 * counted, and how it adds up to the image files the session's row shows. The row counts every image file in
 * the folder; the plan counts only images the manifest lists whose file is whole, so the sentence splits the
 * folder's files into listed (and, of those, repeats and misfits), not listed, and empty or cut off.
 *
 * Pure: the analysis and the folder's counts in, text out (strings from disk are not part of it).
 */
import type {Int64} from '../types.js';
import type {MissingAnalysis} from './combinations.js';

/** What the folder read found (jobs/session-insight.ts fills these). */
export type FolderImageCounts = {
	/** Image files in the folder: the row's image count. */
	imagesOnDisk: number;
	/** Whole image files no manifest entry names; absent when not compared. */
	unlistedImages?: number;
	/** Empty or cut-off image files. */
	brokenImages: number;
};

const count = (n: Int64, one: string, many = `${one}s`): string => `${n} ${BigInt(n) === 1n ? one : many}`;
const verb = (n: Int64, one: string, many: string): string => (BigInt(n) === 1n ? one : many);

function folderClause(folder: FolderImageCounts, listedDetails: string[]): string {
	const unlisted = folder.unlistedImages ?? 0;
	const listed = Math.max(0, folder.imagesOnDisk - unlisted - folder.brokenImages);
	if (folder.imagesOnDisk === 0) return 'the folder holds no image file';
	if (unlisted === 0 && folder.brokenImages === 0 && listedDetails.length === 0) {
		return folder.imagesOnDisk === 1
			? 'the one image file in the folder is listed in the manifest'
			: `all ${folder.imagesOnDisk} image files in the folder are listed in the manifest`;
	}
	const details = listedDetails.length > 0 ? ` (${listedDetails.join(', ')})` : '';
	let text = `the folder holds ${count(folder.imagesOnDisk, 'image file')}: ${listed} listed in the manifest${details}`;
	text += `, ${unlisted} not listed`;
	if (folder.brokenImages > 0) text += `, ${folder.brokenImages} empty or cut off`;
	return `${text}; only listed, whole images count toward the plan`;
}

/** `7 of 12 planned images missing, 5 made: the folder holds 6 image files: 5 listed in the manifest, 1 not listed; …`. */
export function missingHeadline(analysis: MissingAnalysis, folder: FolderImageCounts): string {
	if (analysis.kind === 'random') {
		const details =
			analysis.duplicates > 0
				? [
						`${analysis.duplicates} ${verb(analysis.duplicates, 'repeats', 'repeat')} another image's variations and seed`,
					]
				: [];
		return `${analysis.missingCount} of ${count(analysis.expected, 'planned image')} missing, ${analysis.found} made (random mode): ${folderClause(folder, details)}.`;
	}
	const a = analysis;
	const shape: string[] = [];
	if (a.seeds) {
		const combinations = BigInt(a.gridSize) / BigInt(a.seeds.length);
		shape.push(`${count(combinations, 'combination')} × ${count(a.seeds.length, 'seed')}`);
	}
	if (a.capped) shape.push(`the first ${a.planned} of a grid of ${a.gridSize}`);
	if (a.manifestPlanned !== null && BigInt(a.manifestPlanned) > BigInt(a.gridSize)) {
		shape.push(
			`the manifest plans ${a.manifestPlanned}, but its placeholders${a.seeds ? ' and seeds' : ''} make only ${a.gridSize}`,
		);
	}
	const planned = `${count(a.planned, 'planned image')}${shape.length > 0 ? ` (${shape.join('; ')})` : ''}`;
	const details: string[] = [];
	if (a.duplicates > 0)
		details.push(`${a.duplicates} ${verb(a.duplicates, 'repeats', 'repeat')} a combination already made`);
	if (a.unmatched > 0) details.push(`${a.unmatched} ${verb(a.unmatched, 'fits', 'fit')} no planned combination`);
	return `${a.missingCount} of ${planned} missing, ${a.found} made: ${folderClause(folder, details)}.`;
}
