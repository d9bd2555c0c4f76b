/**
 * A manifest read result in a form where key order matters and number types show (toEqual ignores Map order).
 * A whole float and the same integer count as one value, as every reader of the document treats them
 * (values.ts), except in a placeholder's `used` values, which are written out as JSON where `5.0` ≠ `5`.
 */
import type {ManifestReadResult} from '../../source/core/manifest.js';
import {PyFloat, type JsonValue} from '../../source/core/python-json.js';

function canonicalValue(value: JsonValue | undefined, floatsShow: boolean): unknown {
	if (value === undefined) return {undefined: true};
	if (value instanceof PyFloat)
		return floatsShow
			? {pyfloat: Object.is(value.value, -0) ? '-0' : value.value}
			: canonicalValue(value.value, false);
	if (typeof value === 'bigint') return {bigint: value.toString()};
	if (typeof value === 'number') return Object.is(value, -0) ? {number: '-0'} : value;
	if (Array.isArray(value)) return value.map((v) => canonicalValue(v, floatsShow));
	if (value instanceof Map) return {map: [...value].map(([k, v]) => [k, canonicalValue(v, floatsShow)])};
	return value;
}

function canonicalSnapshot(snapshot: Map<string, JsonValue>): unknown {
	return {
		map: [...snapshot].map(([key, value]) => {
			if (key !== 'variations' || !(value instanceof Map)) return [key, canonicalValue(value, false)];
			const variations = [...value].map(([name, entry]) => {
				if (!(entry instanceof Map)) return [name, canonicalValue(entry, false)];
				return [name, {map: [...entry].map(([field, v]) => [field, canonicalValue(v, field === 'used')])}];
			});
			return [key, {map: variations}];
		}),
	};
}

export function canonicalManifest(result: ManifestReadResult): unknown {
	if (!result.ok) return {reason: result.reason};
	const {snapshot, status, imagesRecorded, imagesRequested} = result.document;
	return {
		snapshot: canonicalSnapshot(snapshot),
		status,
		imagesRecorded,
		imagesRequested: canonicalValue(imagesRequested, false),
	};
}
