declare module 'parse-prometheus-text-format' {
	/** prom2json's shape: one entry per metric family. */
	export interface MetricFamily {
		name: string;
		help: string;
		type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
		metrics: Array<{
			labels?: Record<string, string>;
			value?: string;
			buckets?: Record<string, string>;
			count?: string;
			sum?: string;
		}>;
	}
	export default function parsePrometheusTextFormat(text: string): MetricFamily[];
}
