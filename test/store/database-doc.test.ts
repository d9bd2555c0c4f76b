/** docs/database.md describes every column the schema creates, and the README sends readers there (issue 11 item 17). */
import fs from 'node:fs';
import {describe, expect, it} from 'vitest';
import {
	SESSION_METADATA_DDL,
	SESSION_STATE_DDL,
	SESSION_STATE_V2_COLUMNS,
	SESSION_STATS_DDL,
} from '../../source/store/schema.js';

const read = (path: string): string => fs.readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

function columnsOf(ddl: string): string[] {
	return ddl
		.split('\n')
		.slice(1)
		.map((line) => /^\s+([a-z_]+) [A-Z]/.exec(line)?.[1])
		.filter((name): name is string => name !== undefined);
}

describe('the database documentation', () => {
	it('names every column of every table sdstats creates', () => {
		const doc = read('docs/database.md');
		const columns = [
			...columnsOf(SESSION_STATS_DDL),
			...columnsOf(SESSION_METADATA_DDL),
			...columnsOf(SESSION_STATE_DDL),
			...SESSION_STATE_V2_COLUMNS.map((c) => c.name),
		];
		expect(columns.length).toBeGreaterThan(40);
		for (const column of columns) expect(doc, column).toContain(`\`${column}\``);
	});

	it('is where the README points, not a path outside the repository', () => {
		const readme = read('README.md');
		expect(readme).not.toMatch(/\.\.\/shared\//);
		expect(readme).toContain('docs/database.md');
	});
});
