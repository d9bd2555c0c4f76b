import {describe, expect, test} from 'vitest';
import {hasUnsafeCharacters, sanitizeBlock, sanitizeLine} from '../../source/text/sanitize.js';
import {seededRandom} from '../helpers/random.js';

const ESC = '\u001B';
const BEL = '\u0007';
const ST = `${ESC}\\`;
const REPLACEMENT = '\uFFFD';

// Nothing in U+0000–U+001F, U+007F–U+009F, no bidi/invisible format character, no lone surrogate.
const UNSAFE_IN_LINE =
	/[\u0000-\u001F\u007F-\u009F\u061C\u180E\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\uD800-\uDFFF]/u;
const UNSAFE_IN_BLOCK =
	/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u061C\u180E\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\uD800-\uDFFF]/u;

function expectSafeLine(output: string): void {
	expect(output).not.toMatch(UNSAFE_IN_LINE);
}

function expectSafeBlock(output: string): void {
	expect(output).not.toMatch(UNSAFE_IN_BLOCK);
}

type Case = [name: string, input: string, line: string, block?: string];

const escapeSequences: Case[] = [
	['SGR colour', `${ESC}[31mred${ESC}[0m`, 'red'],
	['SGR with many params', `${ESC}[1;38;2;255;0;0mbold${ESC}[m`, 'bold'],
	['SGR 256 colours', `a${ESC}[38;5;196mb`, 'ab'],
	['cursor up', `a${ESC}[2Ab`, 'ab'],
	['cursor position', `a${ESC}[10;20Hb`, 'ab'],
	['erase display', `${ESC}[2Jcleared`, 'cleared'],
	['erase line', `x${ESC}[Ky`, 'xy'],
	['private mode (hide cursor)', `a${ESC}[?25lb`, 'ab'],
	['alternate screen', `${ESC}[?1049hx`, 'x'],
	['CSI with intermediate byte', `a${ESC}[0 qb`, 'ab'],
	['CSI with > prefix (DA2)', `a${ESC}[>cb`, 'ab'],
	['incomplete CSI at end', `abc${ESC}[31`, 'abc'],
	['incomplete CSI with nothing after', `abc${ESC}[`, 'abc'],
	['8-bit CSI U+009B', 'a\u009B31mb', 'ab'],
	['8-bit CSI cursor move', 'a\u009B2Jb', 'ab'],
	['lone 8-bit CSI at end', 'ab\u009B', 'ab'],
	['OSC 0 title, BEL terminator', `a${ESC}]0;evil title${BEL}b`, 'ab'],
	['OSC 0 title, ST terminator', `a${ESC}]0;evil title${ST}b`, 'ab'],
	['OSC 2 title, 8-bit ST', `a${ESC}]2;t\u009Cb`, 'ab'],
	['8-bit OSC U+009D with BEL', `a\u009D0;t${BEL}b`, 'ab'],
	['8-bit OSC with 8-bit ST', 'a\u009D0;t\u009Cb', 'ab'],
	['OSC 52 clipboard write', `x${ESC}]52;c;cm0gLXJmIH4K${BEL}y`, 'xy'],
	['OSC 52 clipboard query', `x${ESC}]52;c;?${ST}y`, 'xy'],
	[
		'OSC 8 hyperlink keeps link text only',
		`see ${ESC}]8;;https://evil.example/${ST}this${ESC}]8;;${ST} link`,
		'see this link',
	],
	['OSC 8 hyperlink with BEL', `${ESC}]8;id=1;http://x${BEL}text${ESC}]8;;${BEL}`, 'text'],
	['unterminated OSC runs to the end', `keep${ESC}]0;title and the rest`, 'keep'],
	['unterminated OSC containing newline', `keep${ESC}]0;a\nb`, 'keep'],
	['unterminated 8-bit OSC', 'keep\u009D0;x', 'keep'],
	['OSC swallows CSI inside until terminator', `a${ESC}]0;${ESC}[31m${BEL}b`, 'ab'],
	['DCS terminated by ST', `a${ESC}Pq#0;2;0;0;0#0~~@@${ST}b`, 'ab'],
	['DCS with BEL inside is not terminated by it', `a${ESC}P1$r${BEL}x${ST}b`, 'ab'],
	['DCS terminated by 8-bit ST', `a${ESC}Pdata\u009Cb`, 'ab'],
	['8-bit DCS U+0090', 'a\u0090data\u009Cb', 'ab'],
	['unterminated DCS', `a${ESC}Pdata to the end`, 'a'],
	['SOS', `a${ESC}Xstring${ST}b`, 'ab'],
	['8-bit SOS U+0098', 'a\u0098string\u009Cb', 'ab'],
	['PM', `a${ESC}^private${ST}b`, 'ab'],
	['8-bit PM U+009E', 'a\u009Eprivate\u009Cb', 'ab'],
	['APC', `a${ESC}_Gf=100;payload${ST}b`, 'ab'],
	['8-bit APC U+009F', 'a\u009Fpayload\u009Cb', 'ab'],
	['unterminated APC', `a${ESC}_payload`, 'a'],
	['ESC c (full reset)', `a${ESC}cb`, 'ab'],
	['ESC 7 / ESC 8 (save/restore cursor)', `${ESC}7a${ESC}8b`, 'ab'],
	['ESC = (keypad)', `a${ESC}=b`, 'ab'],
	['ESC M (reverse index)', `a${ESC}Mb`, 'ab'],
	['ESC ( B designator', `a${ESC}(Bb`, 'ab'],
	['ESC ) 0 designator', `a${ESC})0b`, 'ab'],
	['ESC # 8 (DECALN)', `a${ESC}#8b`, 'ab'],
	['ESC SP F', `a${ESC} Fb`, 'ab'],
	['ESC ( at the end', `ab${ESC}(`, 'ab'],
	['stray ST', `a${ST}b`, 'ab'],
	['lone ESC at end', `abc${ESC}`, 'abc^['],
	['lone ESC before a control', `a${ESC}\u0001b`, 'a^[^Ab'],
	['lone ESC before non-ASCII', `a${ESC}éb`, 'a^[éb'],
	['ESC ESC [ … : first ESC is lone', `a${ESC}${ESC}[31mb`, 'a^[b'],
	['ESC DEL', `a${ESC}\u007Fb`, 'a^[^?b'],
	['many sequences in a row', `${ESC}[1m${ESC}[31m${ESC}]0;t${BEL}${ESC}cX${ESC}[0m`, 'X'],
];

const whitespace: Case[] = [
	['newline', 'a\nb', 'a b', 'a\nb'],
	['CRLF', 'a\r\nb', 'a b', 'a\nb'],
	['CRLF twice', 'a\r\n\r\nb', 'a  b', 'a\n\nb'],
	['lone CR (overwrite attack)', 'safe\rEVIL', 'safe EVIL', 'safe EVIL'],
	['LF CR is two characters', 'a\n\rb', 'a  b', 'a\n b'],
	['tab', 'a\tb', 'a b', 'a b'],
	['vertical tab', 'a\u000Bb', 'a b', 'a b'],
	['form feed', 'a\u000Cb', 'a b', 'a b'],
	['trailing newline', 'a\n', 'a ', 'a\n'],
];

const controls: Case[] = [
	['NUL', 'a\u0000b', 'a^@b'],
	['SOH', '\u0001', '^A'],
	['backspace', 'abc\b\b\bXYZ', 'abc^H^H^HXYZ'],
	['BEL', `ding${BEL}`, 'ding^G'],
	['SUB', 'a\u001Ab', 'a^Zb'],
	['FS..US', '\u001C\u001D\u001E\u001F', '^\\^]^^^_'],
	['DEL', 'a\u007Fb', 'a^?b'],
	['C1 NEL U+0085', 'a\u0085b', `a${REPLACEMENT}b`],
	['C1 U+0080', '\u0080', REPLACEMENT],
	['C1 ST U+009C alone', 'a\u009Cb', `a${REPLACEMENT}b`],
	['C1 IND U+0084 and RI U+008D', '\u0084\u008D', REPLACEMENT + REPLACEMENT],
	['NBSP U+00A0 is kept', 'a\u00A0b', 'a\u00A0b'],
];

const invisible: Case[] = [
	['RLO bidi override', 'abc\u202Etxt.exe', 'abctxt.exe'],
	['LRE, RLE, PDF, LRO', '\u202Aa\u202Bb\u202Cc\u202Dd', 'abcd'],
	['isolates LRI RLI FSI PDI', '\u2066a\u2067b\u2068c\u2069', 'abc'],
	['LRM and RLM', 'a\u200Eb\u200Fc', 'abc'],
	['Arabic letter mark', 'a\u061Cb', 'ab'],
	['zero-width space', 'pass\u200Bword', 'password'],
	['word joiner', 'a\u2060b', 'ab'],
	['BOM at start', '\uFEFFmodel.safetensors', 'model.safetensors'],
	['BOM in the middle', 'a\uFEFFb', 'ab'],
	['Mongolian vowel separator', 'a\u180Eb', 'ab'],
	['invisible math operators', 'a\u2061\u2062\u2063\u2064b', 'ab'],
	['ZWJ is kept (emoji sequence)', '👩\u200D💻', '👩\u200D💻'],
	['variation selector is kept', '❤\uFE0F', '❤\uFE0F'],
	['ZWNJ is kept', 'a\u200Cb', 'a\u200Cb'],
];

const surrogates: Case[] = [
	['lone high surrogate', 'a\uD800b', `a${REPLACEMENT}b`],
	['lone low surrogate', 'a\uDC00b', `a${REPLACEMENT}b`],
	['high surrogate at end', 'ab\uD83D', `ab${REPLACEMENT}`],
	['reversed pair', '\uDE00\uD83D', REPLACEMENT + REPLACEMENT],
	['valid pair is kept', '😀', '😀'],
	['valid pair next to a lone one', '\uD83D😀', `${REPLACEMENT}😀`],
];

describe.each([
	['escape sequences', escapeSequences],
	['whitespace', whitespace],
	['controls', controls],
	['invisible characters', invisible],
	['surrogates', surrogates],
])('%s', (_group, cases) => {
	test.each(cases)('%s', (_name, input, line, block) => {
		const lineOutput = sanitizeLine(input);
		expect(lineOutput).toBe(line);
		expectSafeLine(lineOutput);
		expect(hasUnsafeCharacters(input)).toBe(lineOutput !== input);

		const blockOutput = sanitizeBlock(input);
		expect(blockOutput).toBe(block ?? line);
		expectSafeBlock(blockOutput);

		// Sanitizing is idempotent.
		expect(sanitizeLine(lineOutput)).toBe(lineOutput);
		expect(sanitizeBlock(blockOutput)).toBe(blockOutput);
	});
});

describe('clean strings', () => {
	const clean = [
		'',
		'plain ascii',
		'masterpiece, best quality, (detailed:1.2), <lora:style:0.8>',
		'2024-05-01_session ~/outputs/[seed]{x}|^$',
		'日本語のプロンプト',
		'café naïve e\u0301',
		'emoji 🎨 👩\u200D💻 🇯🇵 ❤\uFE0F',
		'Ελληνικά кириллица עברית العربية',
		'\u00A0\u00AD\u2028',
	];

	test.each(clean)('%j is returned as the same string', (value) => {
		expect(sanitizeLine(value)).toBe(value);
		expect(sanitizeBlock(value)).toBe(value);
		expect(hasUnsafeCharacters(value)).toBe(false);
	});

	test('sanitizeBlock leaves plain newlines alone', () => {
		const value = 'line one\nline two\n\nline four';
		expect(sanitizeBlock(value)).toBe(value);
		expect(sanitizeLine(value)).toBe('line one line two  line four');
		expect(hasUnsafeCharacters(value)).toBe(true);
	});
});

describe('hasUnsafeCharacters', () => {
	test.each([
		['ESC', ESC, true],
		['8-bit CSI', '\u009B', true],
		['newline', '\n', true],
		['tab', '\t', true],
		['DEL', '\u007F', true],
		['bidi', '\u202E', true],
		['ZWSP', '\u200B', true],
		['BOM', '\uFEFF', true],
		['lone surrogate', '\uD800', true],
		['emoji pair', '😀', false],
		['ZWJ', '\u200D', false],
		['space', ' ', false],
		['tilde', '~', false],
		['NBSP', '\u00A0', false],
	])('%s → %s', (_name, value, expected) => {
		expect(hasUnsafeCharacters(value)).toBe(expected);
		expect(sanitizeLine(value) !== value).toBe(expected);
	});
});

describe('every single code unit', () => {
	test('each of U+0000–U+00FF and the special ranges, alone and between letters, comes out safe', () => {
		const codes: number[] = [];
		for (let code = 0; code <= 0xff; code++) {
			codes.push(code);
		}

		codes.push(0x061c, 0x180e, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x2028, 0x2029, 0xfeff, 0xfe0f, 0xfffd);
		for (let code = 0x202a; code <= 0x202e; code++) codes.push(code);
		for (let code = 0x2060; code <= 0x2069; code++) codes.push(code);
		codes.push(0xd800, 0xdbff, 0xdc00, 0xdfff);

		for (const code of codes) {
			const character = String.fromCharCode(code);
			for (const input of [character, `a${character}b`, `${character}${character}`]) {
				const line = sanitizeLine(input);
				const block = sanitizeBlock(input);
				expectSafeLine(line);
				expectSafeBlock(block);
				expect(hasUnsafeCharacters(input)).toBe(line !== input);
			}
		}
	});
});

describe('randomised hostile input', () => {
	const alphabet = [
		ESC,
		`${ESC}[`,
		`${ESC}]`,
		`${ESC}P`,
		`${ESC}(`,
		ST,
		BEL,
		'\u009B',
		'\u009C',
		'\u009D',
		'\u0090',
		'\u0085',
		'\n',
		'\r',
		'\t',
		'\u0000',
		'\u007F',
		'\b',
		'[',
		']',
		'\\',
		';',
		'0',
		'1',
		'm',
		'H',
		'c',
		' ',
		'a',
		'é',
		'日',
		'😀',
		'\u200D',
		'\u202E',
		'\u200B',
		'\uFEFF',
		'\uD800',
		'\uDC00',
		'\u2066',
	];

	test('outputs are always safe, idempotent and agree with hasUnsafeCharacters', () => {
		const random = seededRandom(12_345);
		for (let iteration = 0; iteration < 3000; iteration++) {
			let input = '';
			const length = Math.floor(random() * 20);
			for (let index = 0; index < length; index++) {
				input += alphabet[Math.floor(random() * alphabet.length)]!;
			}

			const line = sanitizeLine(input);
			const block = sanitizeBlock(input);
			expectSafeLine(line);
			expectSafeBlock(block);
			expect(hasUnsafeCharacters(input)).toBe(line !== input);
			expect(sanitizeLine(line)).toBe(line);
			expect(sanitizeBlock(block)).toBe(block);
			// A block with its newlines flattened is the line version.
			expect(sanitizeLine(block)).toBe(line);
		}
	});
});

describe('large inputs', () => {
	test('a long string of unterminated OSC introducers is handled in linear time', () => {
		const input = `start${`${ESC}]0;`.repeat(20_000)}`;
		expect(sanitizeLine(input)).toBe('start');
	});

	test('a long string of lone ESCs', () => {
		const input = `${ESC}\u0001`.repeat(20_000);
		const output = sanitizeLine(input);
		expect(output).toBe('^[^A'.repeat(20_000));
	});

	test('many clean rows come back as the same strings', () => {
		const rows = Array.from({length: 100_000}, (_, index) => `row ${index} 🎨 日本`);
		const changed = rows.filter((row) => sanitizeLine(row) !== row || sanitizeBlock(row) !== row);
		expect(changed).toEqual([]);
	});
});
