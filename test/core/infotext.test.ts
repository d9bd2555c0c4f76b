import {describe, expect, it} from 'vitest';
import {infotextFields, parseInfotext} from '../../source/core/infotext.js';
import {a1111Infotext} from '../../source/demo/image-files.js';

type Case = {
	name: string;
	text: string;
	prompt: string;
	negative: string;
	params?: Record<string, string>;
	fields?: Partial<ReturnType<typeof infotextFields>>;
};

const CASES: Case[] = [
	{
		name: 'A1111 docstring example (old 8-hex hash, no Model)',
		text:
			"girl with an artist's beret, determined, blue eyes, desert scene, computer monitors, heavy makeup, by Alphonse Mucha and Charlie Bowater, ((eyeshadow)), (coquettish), detailed, intricate\n" +
			'Negative prompt: ugly, fat, obese, chubby, (((deformed))), [blurry], bad anatomy, disfigured, poorly drawn face, mutation, mutated, (extra_limb), (ugly), (poorly drawn hands), messy drawing\n' +
			'Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 965400086, Size: 512x512, Model hash: 45dee52b',
		prompt: "girl with an artist's beret, determined, blue eyes, desert scene, computer monitors, heavy makeup, by Alphonse Mucha and Charlie Bowater, ((eyeshadow)), (coquettish), detailed, intricate",
		negative:
			'ugly, fat, obese, chubby, (((deformed))), [blurry], bad anatomy, disfigured, poorly drawn face, mutation, mutated, (extra_limb), (ugly), (poorly drawn hands), messy drawing',
		fields: {
			model: null,
			modelHash: '45dee52b',
			sampler: 'Euler a',
			steps: 20,
			cfgScale: 7,
			seed: '965400086',
			width: 512,
			height: 512,
			scheduler: null,
		},
	},
	{
		name: 'quoted values with commas and colons (Lora hashes), unquoted JSON Hashes',
		text:
			'pirates, <lora:CBS_novuschroma38 style:0.8>\nNegative prompt: 3d\n' +
			'Steps: 15, Sampler: DPM++ SDE, Schedule type: Karras, CFG scale: 3, Seed: 980493476, Size: 816x1232, Model hash: 36fab8f31a, Model: SDXL - T - haveallsdxl_v10, CFG Rescale phi: 0, Lora hashes: "- SDXL - AI-Breaker_V3.5: 62064ee0c3ba, CBS_novuschroma38 style: 29179d2a6166", VAE Decoder: TAESD, Version: v1.9.4, Hashes: {"lora:x": "458cc11561", "model": "36fab8f31a"}',
		prompt: 'pirates, <lora:CBS_novuschroma38 style:0.8>',
		negative: '3d',
		params: {
			'Lora hashes': '- SDXL - AI-Breaker_V3.5: 62064ee0c3ba, CBS_novuschroma38 style: 29179d2a6166',
			Version: 'v1.9.4',
			'VAE Decoder': 'TAESD',
		},
		fields: {
			model: 'SDXL - T - haveallsdxl_v10',
			sampler: 'DPM++ SDE',
			scheduler: 'Karras',
			steps: 15,
			cfgScale: 3,
			seed: '980493476',
			width: 816,
			height: 1232,
		},
	},
	{
		name: 'no Negative prompt line',
		text: 'a cat\nSteps: 30, Sampler: Euler, CFG scale: 5.5, Seed: 1, Size: 512x768, Model: m1',
		prompt: 'a cat',
		negative: '',
		fields: {cfgScale: 5.5, width: 512, height: 768, model: 'm1'},
	},
	{
		name: 'empty Negative prompt line (a ComfyUI node writing A1111 style), 15-digit seed',
		text: 'front view\nNegative prompt: \nSteps: 20, Sampler: Euler, CFG scale: 3.5, Seed: 934100943193926, Size: 896x1152, Hashes: {"Model:flux1-dev-fp8": "8e91b68084", "model": "8e91b68084"}, Version: ComfyUI',
		prompt: 'front view',
		negative: '',
		fields: {seed: '934100943193926', model: null, width: 896, height: 1152},
	},
	{
		name: 'multi-line prompt and multi-line negative prompt',
		text: 'line one,\nline two\nline three\nNegative prompt: bad,\nworse\nSteps: 25, Sampler: DDIM, CFG scale: 7, Seed: 42, Size: 768x768',
		prompt: 'line one,\nline two\nline three',
		negative: 'bad,\nworse',
		fields: {steps: 25, sampler: 'DDIM', seed: '42'},
	},
	{
		name: 'missing keys: only two pairs means the last line is prompt text',
		text: 'a prompt\nSteps: 20, Sampler: Euler',
		prompt: 'a prompt\nSteps: 20, Sampler: Euler',
		negative: '',
		params: {},
		fields: {steps: null, sampler: null, seed: null, width: null},
	},
	{
		name: 'missing Size and Seed, extra keys kept',
		text: 'p\nSteps: 20, Sampler: Euler, CFG scale: 7, Denoising strength: 0.4, Hires upscale: 2, Hires upscaler: Latent',
		prompt: 'p',
		negative: '',
		params: {'Denoising strength': '0.4', 'Hires upscale': '2', 'Hires upscaler': 'Latent'},
		fields: {seed: null, width: null, height: null, steps: 20},
	},
	{
		name: 'non-ASCII prompt and model (iTXt territory)',
		text: 'café — 猫, “quoted”\nNegative prompt: ぼやけ\nSteps: 30, Sampler: Euler a, CFG scale: 7, Seed: 7, Size: 832x1216, Model: モデル_v1',
		prompt: 'café — 猫, “quoted”',
		negative: 'ぼやけ',
		fields: {model: 'モデル_v1'},
	},
	{
		name: 'quoted value with escaped quote and newline (JSON quoting since 1.3)',
		text: 'p\nSteps: 20, Sampler: Euler, CFG scale: 7, Hires prompt: "say \\"hi\\",\\nthen go", Seed: 3, Size: 64x64',
		prompt: 'p',
		negative: '',
		params: {'Hires prompt': 'say "hi",\nthen go', Seed: '3'},
	},
	{
		name: 'old quoting that is not JSON is kept raw',
		text: 'p\nSteps: 20, Sampler: Euler, CFG scale: 7, Odd: "a\\qb", Seed: 3',
		prompt: 'p',
		negative: '',
		params: {Odd: '"a\\qb"'},
	},
	{
		name: 'repeated key: the last one wins',
		text: 'p\nSteps: 20, Sampler: Euler, Steps: 25, CFG scale: 7',
		prompt: 'p',
		negative: '',
		fields: {steps: 25},
	},
	{
		name: 'parameters glued to the prompt (Forge through ExifTool)',
		text: '(muses:2.0)  marionette (black:2.0) , (black and white photography).Steps: 50, Sampler: Euler a, Schedule type: Automatic, CFG scale: 4, Seed: 2912586831, Size: 512x512, Model hash: 9e44c3ee9e, Model: NERE26-JUGG9, Version: f2.0.1v1.10.1-previous-669-gdfdcbab6',
		prompt: '(muses:2.0)  marionette (black:2.0) , (black and white photography).',
		negative: '',
		fields: {steps: 50, sampler: 'Euler a', scheduler: 'Automatic', seed: '2912586831', model: 'NERE26-JUGG9'},
	},
	{
		name: 'Windows line endings',
		text: 'p\r\nNegative prompt: n\r\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 1, Size: 64x64',
		prompt: 'p',
		negative: 'n',
		fields: {steps: 20},
	},
	{
		name: 'unreadable numbers are absent, not zero',
		text: 'p\nSteps: many, Sampler: Euler, CFG scale: high, Seed: -1x, Size: bigxsmall',
		prompt: 'p',
		negative: '',
		fields: {steps: null, cfgScale: null, seed: null, width: null, height: null, sampler: 'Euler'},
	},
	{
		name: 'empty text',
		text: '',
		prompt: '',
		negative: '',
		params: {},
	},
	{
		name: 'a prompt line that itself starts with Negative prompt: is the negative part (as A1111 reads it)',
		text: 'Negative prompt: only this\nSteps: 20, Sampler: Euler, CFG scale: 7',
		prompt: '',
		negative: 'only this',
	},
];

describe('infotext grammar', () => {
	it.each(CASES)('$name', ({text, prompt, negative, params, fields}) => {
		const parsed = parseInfotext(text);
		expect(parsed.prompt).toBe(prompt);
		expect(parsed.negativePrompt).toBe(negative);
		if (params) {
			if (Object.keys(params).length === 0) expect(parsed.params.size).toBe(0);
			for (const [key, value] of Object.entries(params)) expect(parsed.params.get(key)).toBe(value);
		}
		if (fields) expect(infotextFields(parsed)).toMatchObject(fields);
	});

	it('reads back what our A1111-style writer writes, quoting included', () => {
		const text = a1111Infotext({
			prompt: 'a, b',
			negative: 'c',
			steps: 28,
			sampler: 'DPM++ 2M',
			scheduler: 'Karras',
			cfg: 6.5,
			seed: 123456789012345678n,
			width: 1024,
			height: 1024,
			model: 'illustriousXL_v01',
			extra: {'Lora hashes': 'x: 1, y: 2'},
		});
		const parsed = parseInfotext(text);
		expect(parsed.params.get('Lora hashes')).toBe('x: 1, y: 2');
		expect(infotextFields(parsed)).toEqual({
			model: 'illustriousXL_v01',
			modelHash: null,
			sampler: 'DPM++ 2M',
			scheduler: 'Karras',
			steps: 28,
			cfgScale: 6.5,
			seed: '123456789012345678',
			width: 1024,
			height: 1024,
		});
	});
});
