/** The terminal size, updated on resize (Ink 6 has no such hook). Non-terminals count as 80×24. */
import {useEffect, useState} from 'react';
import type {Viewport} from '../state/types.js';

export type SizedStream = NodeJS.EventEmitter & {columns?: number; rows?: number};

export function readSize(stream: SizedStream): Viewport {
	return {
		columns: stream.columns && stream.columns > 0 ? stream.columns : 80,
		rows: stream.rows && stream.rows > 0 ? stream.rows : 24,
	};
}

export function useTerminalSize(stream: SizedStream): Viewport {
	const [size, setSize] = useState(() => readSize(stream));
	useEffect(() => {
		const onResize = (): void => setSize(readSize(stream));
		stream.on('resize', onResize);
		onResize();
		return () => {
			stream.off('resize', onResize);
		};
	}, [stream]);
	return size;
}
