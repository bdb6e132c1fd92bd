/**
 * `npm run bench:social-shapes` — the post page shapes issue 26 taught the extractor, scored on
 * real recipes. Each case of the corpus' social-posts set gives a real recipe (its expected.json:
 * title, ingredient lines, steps); this writes that recipe anew as a caption, in one of several
 * styles, and wraps it in each new page shape: Instagram's embed page
 * (`/p/<code>/embed/captioned/`), a TikTok photo post (`imagePost` in `itemStruct`), a YouTube
 * Short, a Facebook reel and a Facebook post. The cases go to a temporary directory and are scored
 * by the corpus' own scorer (score-recipes.mjs), the same `npm run extract` as `bench:extract`.
 * Options:
 *   --corpus DIR   the corpus (../shared/corpus, beside the repository)
 *   --only a,b     these shapes only (default: all)
 *   --limit N      the first N recipes per shape
 *   --keep DIR     write the cases there and keep them (else a temporary directory, removed after)
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
	options: {
		corpus: { type: 'string', default: path.resolve(root, '../shared/corpus') },
		only: { type: 'string' },
		limit: { type: 'string' },
		keep: { type: 'string' }
	}
});

interface Recipe {
	title: string;
	ingredients: string[];
	instructions: string[];
}

/** One recipe as one post: what a page shape needs to be written, and names that stay the same on every run. */
interface Post extends Recipe {
	caption: string;
	/** The account: its handle and shown name. */
	handle: string;
	name: string;
	/** A stable hex digest of the case, for ids and picture addresses. */
	seed: string;
}

// ---- captions: the same recipe in the ways people write them ----------------------------------

const KEYCAPS = ['0️⃣', '1️⃣', '2️⃣', '3️⃣', '4️⃣', '5️⃣', '6️⃣', '7️⃣', '8️⃣', '9️⃣'];
const keycap = (n: number) => (n === 10 ? '🔟' : [...String(n)].map((d) => KEYCAPS[Number(d)]).join(''));
const TAGS = ['#recipe #homecooking #easyrecipes', '#foodie #dinnerideas #cooking', '#baking #comfortfood #foodstagram', '#mealprep #healthyfood #yum'];
const INTROS = [
	'Made this three times this month and nobody complained once 😅',
	'The one my family asks for every single weekend.',
	'Saving this here so I stop losing the recipe card!',
	'Simple, cheap and so good. Try it this week 👇'
];
const pick = <T>(list: T[], seed: string) => list[parseInt(seed.slice(0, 6), 16) % list.length]!;

/** Caption styles, each in the manner of captions people post; none is tuned to the reader. */
const STYLES: Record<string, (p: Post) => string> = {
	// A title with an emoji, "Ingredients:" with dashes, "Method:" with "1.".
	dashes: (p) =>
		[`${p.title} 😋`, '', 'Ingredients:', ...p.ingredients.map((i) => `- ${i}`), '', 'Method:', ...p.instructions.map((s, i) => `${i + 1}. ${s}`), '', pick(TAGS, p.seed)].join('\n'),
	// Dots to keep the blank lines Instagram drops, emoji headings, "Step N:".
	'shopping-list': (p) =>
		[p.title, '.', '.', '🛒 What you need:', ...p.ingredients.map((i) => `• ${i}`), '', '👩‍🍳 How to make it:', ...p.instructions.map((s, i) => `Step ${i + 1}: ${s}`), '', 'Save this for later ❤️'].join('\n'),
	// A chatty opening before the title, capitals for headings, unmarked ingredients, "1)".
	'intro-capitals': (p) =>
		[
			pick(INTROS, p.seed),
			'',
			p.title,
			'',
			'INGREDIENTS',
			...p.ingredients,
			'',
			'DIRECTIONS',
			...p.instructions.map((s, i) => `${i + 1}) ${s}`),
			'',
			`Follow @${p.handle} for more recipes like this.`,
			pick(TAGS, p.seed)
		].join('\n'),
	// Sparkles round the title, check marks, keycap step numbers.
	keycaps: (p) =>
		[`✨ ${p.title} ✨`, '', '📝 INGREDIENTS:', ...p.ingredients.map((i) => `✔️ ${i}`), '', '👨‍🍳 PREPARATION:', ...p.instructions.map((s, i) => `${keycap(i + 1)} ${s}`)].join('\n'),
	// "You'll need" with small squares, then steps as paragraphs with no numbers at all.
	paragraphs: (p) => [p.title, '', "You'll need:", ...p.ingredients.map((i) => `▫️ ${i}`), '', 'Steps:', ...p.instructions.flatMap((s) => [s, '']), pick(TAGS, p.seed)].join('\n')
};
const STYLE_NAMES = Object.keys(STYLES);

// ---- page shapes ------------------------------------------------------------------------------

const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const digits = (seed: string, n: number) => BigInt(`0x${seed}`).toString().padEnd(n, '7').slice(0, n);
const code = (seed: string) => Buffer.from(seed, 'hex').toString('base64url').slice(0, 11);
/** JSON inside a `<script>`, which a `</script>` in a caption must not end. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');
/** The first `n` characters of a caption, as meta tags shorten it. */
const shortened = (caption: string, n: number) => (caption.length > n ? `${caption.slice(0, n).trimEnd()}...` : caption);

/** A shape: the address of the post, its page, and the picture a reader should take as the post's. */
type Shape = (post: Post) => { url: string; page: string; image: string };

/**
 * Instagram's public embed page as it is served (the markup of a saved
 * www.instagram.com/p/<code>/embed/captioned/): the account's avatar first, the photo in
 * `img.EmbeddedMediaImage` (with a srcset), a hover card with the avatar again and other posts'
 * thumbnails, then the caption with `<br />` for line breaks and hashtags as links.
 */
const instagramEmbed: Shape = (p) => {
	const id = code(p.seed);
	const cdn = 'https://scontent-fra5-1.cdninstagram.com';
	const query = (size: string) => `?stp=dst-jpg_e35_${size}tt6&_nc_cat=104&ccb=7-5&_nc_sid=58cdad&_nc_ht=scontent-fra5-1.cdninstagram.com&oh=00_AQ${p.seed.slice(0, 20)}&oe=6ABFE180`;
	const photo = `${cdn}/v/t51.82787-15/${digits(p.seed, 9)}_${digits(p.seed.slice(8), 17)}_n.jpg`;
	const avatar = `${cdn}/v/t51.2885-19/${digits(p.seed.slice(4), 9)}_n.jpg?stp=dst-jpg_s100x100_tt6&_nc_ht=scontent-fra5-1.cdninstagram.com&oe=6ABFDF67`;
	const other = (n: number) => `${cdn}/v/t51.82787-15/${digits(p.seed.slice(n), 9)}_n.jpg${query('s240x240_sh2.08_')}`;
	const permalink = `https://www.instagram.com/p/${id}/?utm_source=ig_embed&amp;ig_rid=AFsTuL7dQc`;
	const profile = `https://www.instagram.com/${p.handle}/?utm_source=ig_embed&amp;ig_rid=AFsTuL7dQc`;
	const caption = p.caption
		.split('\n')
		.map((line) => html(line).replace(/(^|\s)#([\p{L}\p{N}_]+)/gu, '$1<a href="/explore/tags/$2/?utm_source=ig_embed">#$2</a>'))
		.join('<br />');
	const image = `${photo}${query('')}`;
	const page = `<!DOCTYPE html>
<html lang="en" id="facebook" class="no_js">
<head><meta charset="utf-8" /><meta name="referrer" content="default" id="meta_referrer" /><title id="pageTitle">Instagram</title><link rel="icon" href="https://static.cdninstagram.com/rsrc.php/yr/r/rzWiSjZRxk5.webp" /></head><body class="x1 Locale_en_US" dir="ltr"><div class="_aa4c"><div><div class="Embed" data-permalink="${permalink}" data-log-event="bodyClick" data-media-type="GraphImage" data-media-id="${digits(p.seed, 19)}"><div><div class="Header"><div class="AvatarContainer"><a class="Avatar" href="${profile}" data-log-event="profilePhotoClick" target="_blank"><img src="${html(avatar)}" alt="${p.handle}" /></a></div><div class="HeaderText"><a class="Username" href="${profile}" data-log-event="profileClick" target="_blank"><span class="UsernameText">${p.handle}</span></a><div class="HeaderSecondaryContent"><span class="FollowerCountText">128K followers</span></div></div><div class="HeaderCta"><a class="ViewProfileButton" href="${profile}" target="_blank">View profile</a></div></div><div class="Content EmbedFrame" style=""><a class="EmbeddedMedia" href="${permalink}" data-log-event="mediaClick" target="_blank"><img class="EmbeddedMediaImage" alt="Instagram post shared by &#064;${p.handle}" src="${html(image)}" srcset="${html(image)} 1080w,${html(`${photo}${query('s640x640_sh2.08_')}`)} 640w,${html(`${photo}${query('s320x320_sh2.08_')}`)} 320w" /></a></div><div class="HoverCard"><a class="HoverCardRoot" href="${profile}" target="_blank"><div class="HoverCardProfile"><img src="${html(avatar)}" alt="${p.handle}" /><div class="HoverCardUser"><div class="HoverCardUserName"><span class="Username">${p.handle}</span></div><div class="HoverCardStatus"><span>412 posts · 128K followers</span></div></div></div><div class="HoverCardPhotos"><img src="${html(other(2))}" /><img src="${html(other(5))}" /></div></a><div class="PrimaryCTA"><a href="${profile}" target="_blank">View more on Instagram</a></div></div><div class="Feedback"><a class="Likes" href="${permalink}" target="_blank"><span class="hidden">Like</span></a></div><div class="SocialProof"><a href="${permalink}" target="_blank">${parseInt(p.seed.slice(0, 4), 16)} likes</a></div><div class="Caption"><a class="CaptionUsername" href="${profile}" data-log-event="captionProfileClick" target="_blank">${p.handle}</a><br /><br />${caption}<div class="CaptionComments"><a class="CaptionCommentsExpand" href="${permalink}" target="_blank">View all ${parseInt(p.seed.slice(4, 7), 16)} comments</a></div></div><div class="Footer"><a class="CommentInput" href="${permalink}" target="_blank">Add a comment...</a></div></div></div></div></div>
<script nonce="x">requireLazy(["TimeSliceImpl","ServerJS"],function(TimeSlice,ServerJS){(new ServerJS()).handle({"require":[["PolarisEmbedSimple","init",[],[{"isRichEmbed":false,"isSidecar":false,"isGuideEmbed":false,"isProfileEmbed":false,"contextJSON":null}]]]});});</script></body></html>`;
	return { url: `https://www.instagram.com/p/${id}/embed/captioned/`, page, image };
};

/**
 * A TikTok photo post (a slideshow): its pictures in `imagePost`, cover first, no video to speak
 * of. The page carries no og:image, so the picture must come from `imagePost`.
 */
const tiktokPhoto: Shape = (p) => {
	const id = digits(p.seed, 19);
	const signed = (n: number) =>
		`https://p16-sign-va.tiktokcdn.com/tos-maliva-i-photomode-us/${p.seed.slice(n, n + 32)}~tplv-photomode-image.jpeg?x-expires=1741100400&x-signature=${p.seed.slice(2, 30)}%3D`;
	const pictures = [0, 8, 16].map(signed);
	const item = {
		id,
		desc: p.caption,
		createTime: '1741000000',
		author: { id: digits(p.seed.slice(3), 19), uniqueId: p.handle, nickname: p.name, avatarThumb: `https://p16-sign-va.tiktokcdn.com/tos-maliva-avt-0068/${p.seed.slice(1, 33)}~c5_100x100.jpeg` },
		music: { id: digits(p.seed.slice(5), 19), title: `original sound - ${p.handle}`, coverLarge: `https://p16-sign-va.tiktokcdn.com/tos-maliva-avt-0068/${p.seed.slice(1, 33)}~c5_1080x1080.jpeg` },
		video: { id: '', height: 0, width: 0, duration: 0, ratio: '', cover: '', originCover: '', playAddr: '', downloadAddr: '' },
		imagePost: {
			images: pictures.map((u) => ({ imageURL: { urlList: [u, u.replace('p16-sign-va', 'p19-sign-va')] }, imageWidth: 1080, imageHeight: 1440 })),
			cover: { imageURL: { urlList: [pictures[0]] }, imageWidth: 1080, imageHeight: 1440 },
			shareCover: { imageURL: { urlList: [pictures[0]!.replace('photomode-image', 'photomode-share')] } },
			title: ''
		},
		stats: { diggCount: parseInt(p.seed.slice(0, 5), 16), commentCount: parseInt(p.seed.slice(5, 8), 16) }
	};
	const state = { __DEFAULT_SCOPE__: { 'webapp.app-context': { language: 'en' }, 'webapp.video-detail': { itemInfo: { itemStruct: item }, statusCode: 0 } } };
	const page = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${html(shortened(p.caption.split('\n')[0]!, 60))} | TikTok</title>
<meta property="og:title" content="${html(p.name)} on TikTok" />
<meta property="og:description" content="${html(shortened(p.caption, 150))}" />
<meta property="og:url" content="https://www.tiktok.com/@${p.handle}/photo/${id}" />
<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">${scriptJson(state)}</script>
</head><body><div id="app"></div></body></html>`;
	return { url: `https://www.tiktok.com/@${p.handle}/photo/${id}`, page, image: pictures[0]! };
};

/** A YouTube Short: the description in `ytInitialPlayerResponse`, the title with the hashtags Shorts carry. */
const youtubeShort: Shape = (p) => {
	const id = code(p.seed);
	const thumb = (name: string, width: number, height: number) => ({ url: `https://i.ytimg.com/vi/${id}/${name}`, width, height });
	const thumbnails = [thumb('default.jpg', 120, 90), thumb('mqdefault.jpg', 320, 180), thumb('hqdefault.jpg', 480, 360), thumb('sddefault.jpg', 640, 480), thumb('oardefault.jpg', 1080, 1920)];
	const title = `${p.title} ${pick(['#shorts', '#shorts #recipe', '🔥 #shorts #cooking'], p.seed)}`;
	const player = {
		responseContext: {},
		playabilityStatus: { status: 'OK' },
		videoDetails: { videoId: id, title, lengthSeconds: '58', channelId: `UC${p.seed.slice(0, 22)}`, shortDescription: p.caption, thumbnail: { thumbnails }, author: p.name, isLiveContent: false },
		microformat: { playerMicroformatRenderer: { title: { simpleText: title }, description: { simpleText: p.caption }, ownerChannelName: p.name, thumbnail: { thumbnails: [thumb('oardefault.jpg', 1080, 1920)] } } }
	};
	const image = `https://i.ytimg.com/vi/${id}/oardefault.jpg`;
	const page = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${html(title)} - YouTube</title>
<meta name="title" content="${html(title)}"><meta name="description" content="${html(shortened(p.caption, 160))}">
<meta property="og:title" content="${html(title)}"><meta property="og:image" content="${image}">
<meta property="og:url" content="https://www.youtube.com/shorts/${id}"><link rel="canonical" href="https://www.youtube.com/shorts/${id}">
</head><body><script nonce="x">var ytInitialPlayerResponse = ${scriptJson(player)};var meta = document.createElement('meta');</script>
<script nonce="x">var ytInitialData = {"responseContext":{},"currentVideoEndpoint":{"reelWatchEndpoint":{"videoId":"${id}"}}};</script></body></html>`;
	return { url: `https://www.youtube.com/shorts/${id}`, page, image };
};

/** Facebook's page data: the ServerJS payload a `<script type="application/json" data-sjs>` carries, around `story`. */
const facebookData = (story: unknown) =>
	scriptJson({ require: [['ScheduledServerJS', 'handle', null, [{ __bbox: { require: [['RelayPrefetchedStreamCache', 'next', [], ['adp_CometVideo', { __bbox: { complete: true, result: { data: story } } }]]] } }]]] });

const facebookHead = (p: Post, title: string, image: string, url: string, type: string) => `<!DOCTYPE html><html lang="en" id="facebook"><head><meta charset="utf-8" /><title>${html(title)}</title>
<meta property="og:title" content="${html(title)}" /><meta property="og:description" content="${html(shortened(p.caption.replace(/\n+/g, ' '), 250))}" />
<meta property="og:image" content="${html(image)}" /><meta property="og:url" content="${url}" /><meta property="og:type" content="${type}" /><meta property="og:site_name" content="Facebook" /></head>`;

/** A Facebook reel: the words in `creation_story.message.text`, the video's owner and its renditions beside them. */
const facebookReel: Shape = (p) => {
	const id = digits(p.seed, 16);
	const url = `https://www.facebook.com/reel/${id}/`;
	const image = `https://scontent-fra3-1.xx.fbcdn.net/v/t15.5256-10/${digits(p.seed.slice(6), 9)}_${digits(p.seed.slice(2), 16)}_n.jpg?stp=dst-jpg_s960x960_tt6&_nc_cat=103&ccb=1-7&_nc_sid=fe5ecc&_nc_ht=scontent-fra3-1.xx.fbcdn.net&oh=00_AY${p.seed.slice(0, 16)}&oe=67C1A2B3`;
	const video = `https://video-fra3-1.xx.fbcdn.net/o1/v/t2/f2/m69/${p.seed.slice(0, 40)}.mp4?efg=eyJ2ZW5jb2RlX3RhZyI6Im9lcF9oZCJ9&_nc_ht=video-fra3-1.xx.fbcdn.net`;
	const story = {
		video: {
			id,
			creation_story: { id: `S:_I${digits(p.seed.slice(1), 15)}:${id}`, message: { text: p.caption }, comet_sections: { feedback: { story: { feedback_context: { feedback_target_with_context: { comment_count: { total_count: 42 } } } } } } },
			owner: { __typename: 'User', id: digits(p.seed.slice(3), 15), name: p.name },
			playable_url: video.replace('oep_hd', 'oep_sd'),
			playable_url_quality_hd: video,
			preferred_thumbnail: { image: { uri: image } }
		}
	};
	const page = `${facebookHead(p, `${p.name} | Facebook`, image, url, 'video.other')}<body><div id="mount_0_0_x"></div><script type="application/json" data-content-len="${facebookData(story).length}" data-sjs>${facebookData(story)}</script></body></html>`;
	return { url, page, image };
};

/** A Facebook page's post: the words in the story's `message.text`, the author among its `actors`, the photo in og:image. */
const facebookPost: Shape = (p) => {
	const id = `pfbid0${code(p.seed)}${code(p.seed.slice(16))}`;
	const url = `https://www.facebook.com/${p.handle.replace(/\./g, '')}/posts/${id}/`;
	const image = `https://scontent-fra5-2.xx.fbcdn.net/v/t39.30808-6/${digits(p.seed.slice(4), 9)}_${digits(p.seed.slice(9), 16)}_n.jpg?_nc_cat=108&ccb=1-7&_nc_sid=127cfc&_nc_ht=scontent-fra5-2.xx.fbcdn.net&oh=00_AY${p.seed.slice(3, 19)}&oe=67C1B4C5`;
	const story = {
		node: {
			__typename: 'Story',
			id: `UzpfS${code(p.seed)}`,
			post_id: digits(p.seed, 16),
			actors: [{ __typename: 'User', id: digits(p.seed.slice(3), 15), name: p.name }],
			comet_sections: { content: { story: { message: { text: p.caption }, attachments: [{ styles: { attachment: { media: { __typename: 'Photo', photo_image: { uri: image } } } } }] } } }
		}
	};
	const page = `${facebookHead(p, `${p.name} - ${shortened(p.title, 60)}`, image, url, 'article')}<body><div id="mount_0_0_x"></div><script type="application/json" data-content-len="${facebookData(story).length}" data-sjs>${facebookData(story)}</script></body></html>`;
	return { url, page, image };
};

const SHAPES: Record<string, Shape> = {
	'instagram-embed': instagramEmbed,
	'tiktok-photo': tiktokPhoto,
	'youtube-short': youtubeShort,
	'facebook-reel': facebookReel,
	'facebook-post': facebookPost
};

// ---- the run ----------------------------------------------------------------------------------

/** The recipes of the corpus' social posts, with the account each case names (`<platform>__<site>__<account>`). */
function recipes(corpus: string) {
	const dir = path.join(corpus, 'social-posts');
	if (!existsSync(dir)) throw new Error(`no corpus at ${dir}: pass --corpus DIR (the directory holding social-posts/ and score-recipes.mjs)`);
	return readdirSync(dir)
		.filter((name) => existsSync(path.join(dir, name, 'expected.json')))
		.sort()
		.map((name) => {
			const expected = JSON.parse(readFileSync(path.join(dir, name, 'expected.json'), 'utf8')) as Partial<Recipe>;
			const line = (s: string) => s.replace(/\s+/g, ' ').trim();
			const account = (name.split('__')[2] ?? 'cook').replace(/_\d+$/, '').replace(/[^\w.]/g, '').slice(0, 24) || 'cook';
			return {
				name,
				title: line(expected.title ?? ''),
				ingredients: (expected.ingredients ?? []).map(line).filter(Boolean),
				instructions: (expected.instructions ?? []).map(line).filter(Boolean),
				handle: account.toLowerCase(),
				display: account.replace(/[._]+/g, ' ').replace(/\b\p{L}/gu, (c) => c.toUpperCase())
			};
		})
		.filter((r) => r.title && r.ingredients.length && r.instructions.length);
}

interface Score {
	shape: string;
	fields: Record<string, number>;
	cases: number;
	failed: number;
	byStyle: Record<string, Record<string, number[]>>;
}

function score(corpus: string, shape: string, dir: string, styleOf: Map<string, string>): Promise<Score> {
	const details = path.join(dir, '..', `${shape}.json`);
	const child = spawn(process.execPath, [path.join(corpus, 'score-recipes.mjs'), '--cases', dir, '--cmd', 'npm run --silent extract --', '--json', details], {
		cwd: root,
		stdio: ['ignore', 'pipe', 'inherit']
	});
	let out = '';
	child.stdout.on('data', (d) => (out += d));
	return new Promise((resolve, reject) =>
		child.once('close', (exit) => {
			const last = out.trim().split('\n').pop() ?? '';
			if (exit !== 0 || !/cases=\d+/.test(last)) return reject(new Error(`the scorer failed on ${shape} (${exit}):\n${out}`));
			const fields = Object.fromEntries([...last.matchAll(/(\w+)=([\d.]+)/g)].map(([, k, v]) => [k!, Number(v)]));
			const byStyle: Score['byStyle'] = {};
			for (const row of JSON.parse(readFileSync(details, 'utf8')) as { case: string; scores: Record<string, number> }[]) {
				const style = styleOf.get(row.case)!;
				for (const [field, value] of Object.entries(row.scores)) ((byStyle[style] ??= {})[field] ??= []).push(value);
			}
			resolve({ shape, fields, cases: fields.cases!, failed: fields.failed!, byStyle });
		})
	);
}

const FIELDS = ['title', 'ingredients', 'instructions', 'image'];
const mean = (values: number[] = []) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN);
const cell = (n: number) => (Number.isNaN(n) ? 'n/a' : n.toFixed(2));

async function main() {
	const corpus = path.resolve(args.corpus!);
	const shapes = args.only ? args.only.split(',') : Object.keys(SHAPES);
	for (const s of shapes) if (!SHAPES[s]) throw new Error(`no shape ${s}: ${Object.keys(SHAPES).join(', ')}`);
	const all = recipes(corpus).slice(0, args.limit ? Number(args.limit) : undefined);
	const out = args.keep ? path.resolve(args.keep) : mkdtempSync(path.join(os.tmpdir(), 'cookmark-social-shapes-'));
	const scores: Score[] = [];
	try {
		for (const [s, shape] of shapes.entries()) {
			const dir = path.join(out, shape);
			rmSync(dir, { recursive: true, force: true });
			const styleOf = new Map<string, string>();
			for (const [i, recipe] of all.entries()) {
				// Every shape sees every style, each recipe in a different one from shape to shape.
				const style = STYLE_NAMES[(i + s) % STYLE_NAMES.length]!;
				const seed = createHash('sha256').update(`${shape}:${recipe.name}`).digest('hex');
				const post: Post = { ...recipe, caption: '', handle: recipe.handle, name: recipe.display, seed };
				post.caption = STYLES[style]!(post);
				const { url, page, image } = SHAPES[shape]!(post);
				const name = `${shape}__${recipe.name}`;
				mkdirSync(path.join(dir, name), { recursive: true });
				writeFileSync(path.join(dir, name, 'page.html'), page);
				const expected = { url, title: recipe.title, ingredients: recipe.ingredients, instructions: recipe.instructions, image, style };
				writeFileSync(path.join(dir, name, 'expected.json'), `${JSON.stringify(expected, null, 1)}\n`);
				styleOf.set(name, style);
			}
			process.stderr.write(`scoring ${all.length} ${shape} cases…\n`);
			const result = await score(corpus, shape, dir, styleOf);
			scores.push(result);
			console.log(`${shape}: ${FIELDS.map((f) => `${f}=${cell(result.fields[f]!)}`).join(' ')} cases=${result.cases} failed=${result.failed}`);
		}
	} finally {
		if (!args.keep) rmSync(out, { recursive: true, force: true });
	}

	console.log(`\n| shape | ${FIELDS.join(' | ')} | cases | failed |\n|---|${FIELDS.map(() => '---|').join('')}---|---|`);
	for (const r of scores) console.log(`| ${r.shape} | ${FIELDS.map((f) => cell(r.fields[f]!)).join(' | ')} | ${r.cases} | ${r.failed} |`);
	console.log(`\n| caption style (all shapes) | ${FIELDS.join(' | ')} | cases |\n|---|${FIELDS.map(() => '---|').join('')}---|`);
	for (const style of STYLE_NAMES) {
		const values = (field: string) => scores.flatMap((r) => r.byStyle[style]?.[field] ?? []);
		console.log(`| ${style} | ${FIELDS.map((f) => cell(mean(values(f)))).join(' | ')} | ${values('title').length} |`);
	}
}

await main();
