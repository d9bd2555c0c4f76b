/** The whole screen for a state: header, the mode's body, the job panel and the footer. Renders only. */
import React from 'react';
import {Box, Text} from 'ink';
import {computeScreen, tooSmallMessage} from '../state/screen.js';
import {detailsLinesOf, selectedView} from '../state/selectors.js';
import type {ExplorerState} from '../state/types.js';
import type {Theme} from '../theme.js';
import {DetailsView} from './details.js';
import {Footer} from './footer.js';
import {Header} from './header.js';
import {JobPanel} from './job-panel.js';
import {ListView} from './list.js';
import {ActionConfirmPane} from './action-confirm.js';
import {GridView, ImageView, SheetView} from './pictures.js';
import {detailsTextHeight, sheetPlan} from '../state/previews.js';
import {ConfirmPane, ExportPane, FilterPane, GroupsPane, HelpView, SortPane} from './panes.js';

export function Frame({state, theme}: {state: ExplorerState; theme: Theme}): React.JSX.Element {
	const screen = computeScreen(state.viewport, state.job !== null);
	const {columns} = state.viewport;
	if (screen.kind === 'too-small') {
		return <Text wrap="truncate-end">{tooSmallMessage(screen.need, screen.have)}</Text>;
	}
	const selected = selectedView(state);
	// The same lines the reducer bounds scrolling by (selectors.ts), so the last one can always be reached.
	const details = (width: number, scroll: number): React.JSX.Element | null => {
		if (!selected) return null;
		// The contact sheet takes the lower part of the panel when it is tall enough (state/previews.ts).
		const sheet = sheetPlan(state, width, screen.bodyHeight);
		const text = (
			<DetailsView
				lines={detailsLinesOf(state, selected, width)}
				scroll={scroll}
				width={width}
				height={detailsTextHeight(state, width, screen.bodyHeight)}
				theme={theme}
			/>
		);
		if (!sheet) return text;
		return (
			<Box flexDirection="column" width={width} height={screen.bodyHeight}>
				{text}
				<SheetView state={state} plan={sheet} theme={theme} />
			</Box>
		);
	};
	const listWithSide = (
		<Box flexDirection="row" height={screen.bodyHeight}>
			<ListView state={state} width={screen.listWidth} height={screen.listHeight} theme={theme} />
			{screen.sideWidth > 0 ? (
				<Box marginLeft={1} width={screen.sideWidth} height={screen.bodyHeight}>
					{details(screen.sideWidth, state.mode === 'details' ? state.detailsScroll : 0)}
				</Box>
			) : null}
		</Box>
	);
	let body: React.JSX.Element;
	switch (state.mode) {
		case 'details':
			body = screen.sideWidth > 0 || !selected ? listWithSide : details(columns, state.detailsScroll)!;
			break;
		case 'grid':
			body = <GridView state={state} width={columns} height={screen.bodyHeight} theme={theme} />;
			break;
		case 'image':
			body = <ImageView state={state} width={columns} height={screen.bodyHeight} theme={theme} />;
			break;
		case 'help':
			body = <HelpView scroll={state.helpScroll} width={columns} height={screen.bodyHeight} theme={theme} />;
			break;
		case 'filter-pane':
			body = <FilterPane state={state} width={columns} height={screen.bodyHeight} theme={theme} />;
			break;
		case 'sort-pane':
			body = <SortPane state={state} width={columns} height={screen.bodyHeight} theme={theme} />;
			break;
		case 'confirm':
			body = <ConfirmPane state={state} width={columns} height={screen.bodyHeight} theme={theme} />;
			break;
		case 'export':
			body = <ExportPane state={state} width={columns} height={screen.bodyHeight} theme={theme} />;
			break;
		case 'action-confirm':
			body = <ActionConfirmPane state={state} width={columns} height={screen.bodyHeight} theme={theme} />;
			break;
		case 'groups':
			body = <GroupsPane state={state} width={columns} height={screen.bodyHeight} theme={theme} />;
			break;
		default:
			body = listWithSide;
	}
	return (
		<Box flexDirection="column" width={columns}>
			<Header state={state} info={state.info} theme={theme} />
			{body}
			{state.job ? <JobPanel job={state.job} width={columns} theme={theme} /> : null}
			<Footer state={state} theme={theme} />
		</Box>
	);
}
