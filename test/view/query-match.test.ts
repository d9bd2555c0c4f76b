/** A query of several terms holds for a session only when every term does, however many terms there are. */
import {describe, expect, it} from 'vitest';
import {parseQuery, type Query} from '../../source/core/query.js';
import {compileQuery} from '../../source/view/query-match.js';
import {toSessionView} from '../../source/view/session-view.js';
import {TEST_NOW, storedSession} from '../helpers/sessions.js';

function query(text: string): Query {
	const parsed = parseQuery(text);
	if (!parsed.ok) throw new Error(`does not parse: ${text}`);
	return parsed.query;
}

const views = [
	storedSession('20251101_100000-forest_walk', {numImages: 10, images: 4, status: 'aborted'}),
	storedSession('20251102_100000-forest_done', {numImages: 4, images: 4, status: 'completed'}),
	storedSession('20251103_100000-city_night', {numImages: 10, images: 2, status: 'aborted'}),
	storedSession('20251104_100000-city_forest_rain', {numImages: 10, images: 3, status: 'aborted'}),
].map((row) => toSessionView(row, TEST_NOW, 10 * 60_000));

const matching = (text: string): string[] =>
	views.filter(compileQuery(query(text), TEST_NOW)).map((v) => v.id.slice(16));

describe('compileQuery with several terms', () => {
	it('needs both of two terms, in either order', () => {
		expect(matching('is:incomplete forest')).toEqual(['forest_walk', 'city_forest_rain']);
		expect(matching('forest is:incomplete')).toEqual(['forest_walk', 'city_forest_rain']);
		expect(matching('forest walk')).toEqual(['forest_walk']);
		expect(matching('-forest is:incomplete')).toEqual(['city_night']);
	});

	it('needs every one of three terms', () => {
		expect(matching('is:incomplete forest rain')).toEqual(['city_forest_rain']);
		expect(matching('is:incomplete forest done')).toEqual([]);
	});
});
