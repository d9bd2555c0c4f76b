/** Pictures: the contact sheet in details, the combination grid, one image full screen. */
import type {Binding} from './binding.js';
import {any, char, named, upward} from './match.js';

/** Pictures. */
export const PICTURE_KEYS: readonly Binding[] = [
	{
		modes: ['details'],
		keys: '← →',
		help: 'choose an image of the contact sheet',
		match: any(named('leftArrow'), named('rightArrow')),
		action: (_s, _i, key) => ({type: 'sheet-focus', delta: key.leftArrow ? -1 : 1}),
	},
	{
		modes: ['details'],
		keys: 'o',
		help: 'the chosen image full screen',
		footer: {label: 'o image', priority: 2},
		match: char('o'),
		action: () => ({type: 'image-open'}),
	},
	{
		modes: ['details'],
		keys: 'v',
		help: 'the combination grid: an image per combination, holes where one is missing',
		footer: {label: 'v grid', priority: 2},
		match: char('v'),
		action: () => ({type: 'grid-open'}),
	},
	{
		modes: ['grid'],
		keys: '← → ↑ ↓ h l k j',
		help: 'move between cells',
		footer: {label: '←→↑↓ move', priority: 2},
		match: any(
			named('leftArrow'),
			named('rightArrow'),
			named('upArrow'),
			named('downArrow'),
			char('h', 'l', 'k', 'j'),
		),
		action: (_s, input, key) => ({
			type: 'grid-move',
			dx: key.leftArrow || input === 'h' ? -1 : key.rightArrow || input === 'l' ? 1 : 0,
			dy: upward(input, key) ? -1 : key.downArrow || input === 'j' ? 1 : 0,
		}),
	},
	{
		modes: ['grid'],
		keys: 'a A',
		help: 'next / previous pair of placeholders on the axes',
		footer: {label: 'a axes', priority: 2},
		match: char('a', 'A'),
		action: (_s, input) => ({type: 'grid-axes', step: input === 'A' ? -1 : 1}),
	},
	{
		modes: ['grid'],
		keys: 'PgDn PgUp ] [',
		help: "next / previous page: the other placeholders' values and seeds",
		footer: {label: '[] page', priority: 3},
		match: any(named('pageDown'), named('pageUp'), char(']', '[')),
		action: (_s, input, key) => ({type: 'grid-page', delta: key.pageUp || input === '[' ? -1 : 1}),
	},
	{
		modes: ['grid'],
		keys: 'o Enter',
		help: "the cell's image full screen",
		footer: {label: 'o image', priority: 2},
		match: any(char('o'), named('return')),
		action: () => ({type: 'image-open'}),
	},
	{
		modes: ['grid'],
		keys: 'Esc q',
		help: 'back to the details',
		footer: {label: 'Esc back', priority: 1},
		match: any(named('escape'), char('q')),
		action: () => ({type: 'back'}),
	},
	{
		modes: ['image'],
		keys: '← → h l',
		help: 'previous / next image of the session',
		footer: {label: '←→ image', priority: 2},
		match: any(named('leftArrow'), named('rightArrow'), char('h', 'l')),
		action: (_s, input, key) => ({type: 'image-step', delta: key.leftArrow || input === 'h' ? -1 : 1}),
	},
	{
		modes: ['image'],
		keys: 'Esc q',
		help: 'back to the sheet or the grid',
		footer: {label: 'Esc back', priority: 1},
		match: any(named('escape'), char('q')),
		action: () => ({type: 'back'}),
	},
];
