/**
 * CSV (RFC 4180) for spreadsheets and scripts. Text cells that a spreadsheet would run as a formula (leading
 * =, +, -, @, tab or carriage return) get a leading apostrophe; numbers are our own and are written as they are.
 */
import {toJson} from './json.js';

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
	if (value === null || value === undefined) return '';
	let text: string;
	if (typeof value === 'string') text = FORMULA_START.test(value) ? `'${value}` : value;
	else if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') text = String(value);
	else text = toJson(value, '', '');
	return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly unknown[]): string {
	return values.map(csvCell).join(',');
}
