/**
 * One CSV line (RFC 4180): a field with a comma, quote or line break is quoted, quotes doubled.
 * A field that a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe:
 * the reasons come from the sites a link points at, and must not run in the person's spreadsheet.
 */
export function csvRow(fields: readonly string[]): string {
	return fields
		.map((field) => {
			const safe = /^[=+\-@\t\r]/.test(field) ? `'${field}` : field;
			return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
		})
		.join(',');
}
