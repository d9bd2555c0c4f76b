/** What demo sessions are made of: models, samplers, sizes, and the prompt themes with their placeholders. */

export const MODELS = [
	'illustriousXL_v01.safetensors [a1b2c3d4e5]',
	'illustriousXL_v01.safetensors [a1b2c3d4e5]',
	'ponyDiffusionV6XL.safetensors [67ab2fd8ec]',
	'hassakuXL_v13.safetensors [9f0c1b2a33]',
	'animagine-xl-3.1.safetensors [e3c47aedb0]',
	'sd_xl_base_1.0.safetensors [31e35c80fc]',
] as const;

export const SAMPLERS = ['DPM++ 2M', 'Euler a', 'DPM++ SDE', 'UniPC', 'DDIM'] as const;
export const SCHEDULERS = ['Karras', 'Normal', 'Exponential', 'SGM Uniform'] as const;
export const SIZES: ReadonlyArray<readonly [number, number]> = [
	[832, 1216],
	[832, 1216],
	[1216, 832],
	[1024, 1024],
	[896, 1152],
	[768, 1344],
];
export const STEPS = [20, 24, 28, 30, 30, 35, 40] as const;
export const CFGS = [4.5, 5, 6, 7, 7, 7.5, 9] as const;

export type Theme = {label: string; prompt: string; placeholders: Record<string, string[]>};

export const THEMES: readonly Theme[] = [
	{
		label: 'facial_expressions',
		prompt: 'masterpiece, best quality, 1girl, upper body, {Expression}, {Angle}, simple background',
		placeholders: {
			Expression: ['smiling', 'crying', 'angry', 'surprised', 'embarrassed', 'smug', 'sleepy', 'determined'],
			Angle: ['front view', 'from side', 'from above'],
		},
	},
	{
		label: 'Hassaku-fantasy',
		prompt: 'masterpiece, 1girl, {Outfit}, standing in {Location}, dramatic lighting, detailed background',
		placeholders: {
			Outfit: ['mage robe', 'knight armor', 'ranger cloak', 'priestess dress', 'thief leathers'],
			Location: ['ancient library', 'crystal cave', 'ruined castle', 'floating islands'],
		},
	},
	{
		label: 'portrait',
		prompt: 'portrait of a woman, {Hair}, {Lighting}, 85mm, shallow depth of field',
		placeholders: {
			Hair: [
				'long black hair',
				'short silver hair',
				'red braid',
				'blonde twintails',
				'blue bob cut',
				'messy brown hair',
			],
			Lighting: ['rim light', 'golden hour', 'studio softbox'],
		},
	},
	{
		label: 'cyberpunk_city',
		prompt: 'cyberpunk city street, neon signs, {Time}, {Shot}, highly detailed',
		placeholders: {
			Time: ['dusk', 'midnight', 'heavy rain'],
			Shot: ['wide shot', 'street level', 'aerial view', 'alley close-up'],
		},
	},
	{
		label: 'forest_spirit',
		prompt: 'a {Creature} forest spirit, {Season}, glowing particles, ethereal',
		placeholders: {
			Creature: ['fox', 'deer', 'owl', 'wolf'],
			Season: ['spring blossoms', 'summer canopy', 'autumn leaves', 'first snow'],
		},
	},
	{
		label: 'armor_study',
		prompt: 'full body, knight in {Armor}, {Pose}, {Color} cape, concept art',
		placeholders: {
			Armor: ['plate armor', 'samurai armor', 'scale mail', 'gothic armor', 'bone armor'],
			Pose: ['standing', 'kneeling', 'sword raised'],
			Color: ['crimson', 'navy'],
		},
	},
	{
		label: 'cafe_scene',
		prompt: '1girl sitting in a cozy cafe, holding {Drink}, {Weather} outside the window',
		placeholders: {
			Drink: ['a latte', 'green tea', 'hot chocolate', 'an iced coffee'],
			Weather: ['sunny', 'rainy', 'snowy'],
		},
	},
	{
		label: 'outfit_variations',
		prompt: 'masterpiece, 1girl, full body, wearing {Outfit}, {Background}',
		placeholders: {
			Outfit: [
				'school uniform',
				'kimono',
				'hoodie and jeans',
				'maid outfit',
				'business suit',
				'sundress',
				'track suit',
				'gothic lolita',
			],
			Background: ['white background', 'city street', 'beach', 'classroom'],
		},
	},
	{
		label: 'landscape_moods',
		prompt: 'scenic {Landscape}, {Weather}, volumetric light, matte painting',
		placeholders: {
			Landscape: ['mountain lake', 'desert canyon', 'rice terraces', 'fjord', 'tundra', 'bamboo forest'],
			Weather: ['clear sky', 'fog', 'thunderstorm', 'aurora'],
		},
	},
	{
		label: 'character_sheet',
		prompt: 'character reference sheet, {View}, {Expression}, white background',
		placeholders: {
			View: ['front', 'side', 'back'],
			Expression: ['neutral', 'happy', 'angry', 'sad'],
		},
	},
	{
		label: 'mecha_designs',
		prompt: 'giant {Mecha} mecha, {Palette} color scheme, hangar, industrial',
		placeholders: {
			Mecha: ['humanoid', 'quadruped', 'tank', 'winged', 'spider'],
			Palette: ['white and red', 'olive drab', 'black and gold'],
		},
	},
	{
		label: 'witch_workshop',
		prompt: 'witch brewing {Potion} in her workshop, {Light}, cluttered shelves',
		placeholders: {
			Potion: [
				'a love potion',
				'liquid starlight',
				'a sleeping draught',
				'dragon fire',
				'a healing tonic',
				'shadow ink',
			],
			Light: ['candlelight', 'moonlight'],
		},
	},
];

export const NEGATIVES = [
	'lowres, bad anatomy, bad hands, text, error, missing fingers, worst quality, jpeg artifacts, signature, watermark',
	'lowres, bad anatomy, blurry',
	'score_4, score_5, score_6, lowres, bad hands, watermark',
	'(worst quality:1.4), (low quality:1.4), monochrome, extra digits',
];

export const theme = (label: string): Theme => THEMES.find((t) => t.label === label)!;
