/**
 * JSON for scripts: exact 64-bit integers (bigint printed as digits), Maps as objects in their order, and every
 * character a terminal could act on escaped (JSON.stringify leaves C1 controls and bidi marks raw).
 */

import {PyFloat} from '../core/python-json.js';
import {pythonFloatRepr} from '../core/python-dumps.js';

const UNSAFE_FOR_TERMINAL = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

export function jsonString(text: string): string {
	return JSON.stringify(text).replace(
		UNSAFE_FOR_TERMINAL,
		(c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
	);
}

export function toJson(value: unknown, indent = '', step = '  '): string {
	if (value === null || value === undefined) return 'null';
	switch (typeof value) {
		case 'boolean':
			return value ? 'true' : 'false';
		case 'number':
			return Number.isFinite(value) ? String(value) : 'null';
		case 'bigint':
			return value.toString();
		case 'string':
			return jsonString(value);
		default:
			break;
	}
	// A whole float read from a manifest (7.0) is written as the float it was.
	if (value instanceof PyFloat) return Number.isFinite(value.value) ? pythonFloatRepr(value.value) : 'null';
	const inner = indent + step;
	const open = step ? `\n${inner}` : '';
	const close = step ? `\n${indent}` : '';
	const separator = step ? `,\n${inner}` : ',';
	const colon = step ? ': ' : ':';
	if (Array.isArray(value)) {
		if (value.length === 0) return '[]';
		return `[${open}${value.map((v) => toJson(v, inner, step)).join(separator)}${close}]`;
	}
	const entries: Array<[string, unknown]> =
		value instanceof Map ? [...(value as Map<string, unknown>)] : Object.entries(value as Record<string, unknown>);
	if (entries.length === 0) return '{}';
	return `{${open}${entries.map(([k, v]) => `${jsonString(k)}${colon}${toJson(v, inner, step)}`).join(separator)}${close}}`;
}
