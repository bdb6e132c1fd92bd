/**
 * A bookmarklet that sends the page being read to this Cookmark's share page: a top-level
 * navigation, so the session cookie (SameSite=Lax) goes along and no CORS is involved.
 */
export function bookmarklet(origin: string): string {
	const share = JSON.stringify(`${origin}/share`);
	return `javascript:(()=>{location.href=${share}+'?url='+encodeURIComponent(location.href)+'&title='+encodeURIComponent(document.title)})()`;
}
