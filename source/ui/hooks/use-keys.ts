/**
 * Ink's useInput, plus the one thing it cannot tell: Ink 6 reports both the Backspace byte (0x7F) and the
 * Delete key (ESC [3~) as `delete`. The raw sequence of each key is heard first (this hook's listener is
 * registered before useInput's), and a Delete is handed on with FORWARD_DELETE as its input. An adapter for
 * Ink 6: recheck it on every Ink upgrade.
 */
import {useEffect, useRef} from 'react';
import {useInput, useStdin, type Key} from 'ink';
import {FORWARD_DELETE} from '../keys.js';

/** ESC [3~, with or without modifiers (ESC [3;5~, rxvt's ESC [3$ and ESC [3^). */
const DELETE_SEQUENCE = /^\u001B+\[3(?:;\d+)?[~$^]$/;

export function useKeys(onKey: (input: string, key: Key) => void): void {
	const {internal_eventEmitter: emitter} = useStdin();
	const last = useRef('');
	useEffect(() => {
		const hear = (sequence: string): void => {
			last.current = sequence;
		};
		emitter.on('input', hear);
		return () => {
			emitter.removeListener('input', hear);
		};
	}, [emitter]);
	useInput((input, key) => {
		onKey(key.delete && DELETE_SEQUENCE.test(last.current) ? FORWARD_DELETE : input, key);
	});
}
