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

describe('compileQuery with relative created dates', () => {
	// TEST_NOW is 2025-11-20 12:00 UTC: one session 19 days old, one 2 days old, one whose folder name has no date.
	const dated = [
		storedSession('20251101_100000-old', {numImages: 2, images: 2, status: 'completed'}),
		storedSession('20251118_100000-new', {numImages: 2, images: 2, status: 'completed'}),
		{...storedSession('no_date_here', {numImages: 2, images: 2, status: 'completed'}), session_created_at: null},
	].map((row) => toSessionView(row, TEST_NOW, 10 * 60_000));
	const ids = (text: string): string[] => dated.filter(compileQuery(query(text), TEST_NOW)).map((v) => v.id);

	it('created:<10d is older than ten days and never a session without a date (regression: only -created:10d said "older", and it took undated ones)', () => {
		expect(dated[2]!.created).toBe('');
		expect(ids('created:<10d')).toEqual(['20251101_100000-old']);
		expect(ids('created:<=10d')).toEqual(['20251101_100000-old']);
		expect(ids('-created:10d')).toEqual(['20251101_100000-old', 'no_date_here']);
	});

	it('created:10d and created:>10d are the last ten days', () => {
		expect(ids('created:10d')).toEqual(['20251118_100000-new']);
		expect(ids('created:>10d')).toEqual(['20251118_100000-new']);
		expect(ids('created:<3w')).toEqual([]);
	});
});
