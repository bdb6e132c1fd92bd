import { cleanText } from '../extract/lines';

/**
 * A subtitle track as plain text. YouTube's timedtext answers json3 when asked (`fmt=json3`:
 * `{events: [{segs: [{utf8}]}]}`), else its XML (`<text start dur>…</text>`); other players
 * serve WebVTT. Automatic captions roll: each cue repeats the end of the one before, so a cue
 * the next one continues, or one seen just before, is kept once.
 */
export function subtitleText(body: string): string {
	const cues = body.trimStart().startsWith('{') ? json3Cues(body) : /^\uFEFF?WEBVTT/.test(body.trimStart()) ? vttCues(body) : xmlCues(body);
	const kept: string[] = [];
	for (const raw of cues) {
		const cue = raw.replace(/\s+/g, ' ').trim();
		if (!cue) continue;
		const last = kept.at(-1);
		if (last === cue || last?.endsWith(cue)) continue;
		if (last && cue.startsWith(last)) kept[kept.length - 1] = cue;
		else kept.push(cue);
	}
	return kept.join('\n');
}

/** The track's address asking for json3 (YouTube's timedtext takes `fmt`; others ignore it). */
export function json3Url(url: string): string {
	try {
		const u = new URL(url);
		if (u.pathname.endsWith('/timedtext')) u.searchParams.set('fmt', 'json3');
		return u.href;
	} catch {
		return url;
	}
}

function json3Cues(body: string): string[] {
	try {
		const events = (JSON.parse(body) as { events?: { segs?: { utf8?: string }[] }[] }).events ?? [];
		return events.map((e) => (e.segs ?? []).map((s) => s.utf8 ?? '').join(''));
	} catch {
		return [];
	}
}

function xmlCues(body: string): string[] {
	// The XML's text is entity-escaped once more than HTML ("&amp;#39;"); cleanText unescapes twice.
	return [...body.matchAll(/<(?:text|p)\b[^>]*>([\s\S]*?)<\/(?:text|p)>/g)].map((m) => cleanText(m[1]!));
}

function vttCues(body: string): string[] {
	return body
		.split(/\r?\n\r?\n/)
		.map((block) => block.split(/\r?\n/).filter((l) => l.trim() && !l.includes('-->') && !/^(WEBVTT|NOTE|STYLE|\d+$)/.test(l.trim())))
		.map((lines) => cleanText(lines.join(' ')));
}
