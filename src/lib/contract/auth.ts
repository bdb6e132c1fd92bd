import { z } from 'zod';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

export const Username = z
	.string()
	.trim()
	.min(3, 'at least 3 characters')
	.max(32, 'at most 32 characters')
	.regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore only');

export const Password = z
	.string()
	.min(PASSWORD_MIN, `at least ${PASSWORD_MIN} characters`)
	.max(PASSWORD_MAX, `at most ${PASSWORD_MAX} characters`);

/** POST /api/auth/signup, /api/auth/login, /api/users. */
export const Credentials = z.object({ username: Username, password: Password });
export type Credentials = z.infer<typeof Credentials>;

/** Login checks only the shape: the policy applies when a password is set, not when it is tried. */
export const LoginRequest = z.object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(PASSWORD_MAX) });

export const ChangePasswordRequest = z.object({ currentPassword: z.string().min(1).max(PASSWORD_MAX), newPassword: Password });

export const User = z.object({ id: z.uuid(), username: z.string(), isAdmin: z.boolean(), createdAt: z.iso.datetime() });
export type User = z.infer<typeof User>;

export const CreateTokenRequest = z.object({ name: z.string().trim().min(1, 'give the token a name').max(64) });

export const ApiTokenInfo = z.object({
	id: z.string(),
	name: z.string(),
	createdAt: z.iso.datetime(),
	lastUsedAt: z.iso.datetime().nullable()
});
export type ApiTokenInfo = z.infer<typeof ApiTokenInfo>;

/** 201 from POST /api/tokens: the only time the token itself is shown. */
export const CreatedToken = ApiTokenInfo.extend({ token: z.string() });

/** The account as a session or API token knows it: what sign-up, login and /api/auth/session answer with. */
export const SignedInUser = User.pick({ id: true, username: true, isAdmin: true });
export type SignedInUser = z.infer<typeof SignedInUser>;

/** 201 from POST /api/auth/signup, 200 from POST /api/auth/login (the session rides in a cookie). */
export const SignInResponse = z.object({ user: SignedInUser });

/** GET /api/auth/session: who is asking, and whether by session cookie or API token. */
export const SessionInfo = z.object({ user: SignedInUser, via: z.enum(['session', 'token']) });

/** The answer of actions that have nothing to report but that they happened (logout, password change). */
export const OkResponse = z.object({ ok: z.literal(true) });

/** POST /api/auth/logout-all: how many sessions ended. */
export const LogoutAllResponse = OkResponse.extend({ sessions: z.number().int().min(0) });

/** GET /api/tokens (the tokens themselves are never shown again). */
export const TokenList = z.object({ tokens: z.array(ApiTokenInfo) });

/** GET /api/users (admin). */
export const UserList = z.object({ users: z.array(User) });

/** 201 from POST /api/users (admin). */
export const CreatedUser = z.object({ user: User });
