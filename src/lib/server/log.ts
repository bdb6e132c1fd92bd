import pino, { type Logger } from 'pino';

/** Structured JSON logs on stdout; `err` fields are serialised with their stack and cause. */
export function createLogger(level: string, name = 'cookmark'): Logger {
	return pino({
		name,
		level,
		base: { pid: process.pid },
		timestamp: pino.stdTimeFunctions.isoTime,
		serializers: { err: pino.stdSerializers.errWithCause }
	});
}
