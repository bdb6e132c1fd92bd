/** How long the bookmarklet waits for Cookmark's page to ask for the HTML before it shares the link alone. */
export const BOOKMARKLET_WAIT_MS = 8000;

/** What the share page says to its opener once it listens, and the shape of the opener's answer. */
export const READY_MESSAGE = 'cookmark:ready';
export interface PageMessage {
	url: string;
	title: string;
	html: string;
}

/**
 * A bookmarklet that sends the page being read, as the browser shows it, to this Cookmark: it
 * opens Cookmark's /share/page in a new window, which says when it listens; the page's URL, title
 * and HTML are then posted to that window, to Cookmark's origin only, and it enqueues them
 * same-origin with the session cookie (no cross-site request, see csrf.ts). A site that blocks
 * servers is read all the same. When no window opens, or it never asks (a popup blocker, the
 * site's own opener policy, a sign-in on the way), the link alone goes to /share as before.
 */
export function bookmarklet(origin: string): string {
	const o = JSON.stringify(origin);
	const body =
		`const o=${o},u=location.href,t=document.title,l=o+'/share?url='+encodeURIComponent(u)+'&title='+encodeURIComponent(t),w=open(o+'/share/page','_blank');` +
		`if(!w){location.href=l;return}` +
		`const f=e=>{if(e.origin!==o||e.source!==w||e.data!==${JSON.stringify(READY_MESSAGE)})return;s();w.postMessage({url:u,title:t,html:document.documentElement.outerHTML},o)},` +
		`s=()=>{removeEventListener('message',f);clearTimeout(d)},` +
		`d=setTimeout(()=>{s();if(w.closed)location.href=l;else w.location.href=l},${BOOKMARKLET_WAIT_MS});` +
		`addEventListener('message',f)`;
	return `javascript:(()=>{${body}})()`;
}
