/** `illustriousXL_v01.safetensors [a1b2c3d4e5]` → `illustriousXL_v01`: what fits in a column. */
export function shortModelName(model: string | null): string {
	if (model === null) return '';
	return model
		.replace(/\s*\[[0-9a-fA-F]{6,}\]\s*$/, '')
		.replace(/\.(safetensors|ckpt|pt|pth|bin|gguf)$/i, '')
		.replace(/^.*[\\/]/, '');
}
