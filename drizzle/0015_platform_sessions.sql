CREATE TABLE "platform_sessions" (
	"user_id" uuid NOT NULL,
	"platform" text NOT NULL,
	"cookie_sealed" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"expired_at" timestamp with time zone,
	CONSTRAINT "platform_sessions_user_id_platform_pk" PRIMARY KEY("user_id","platform"),
	CONSTRAINT "platform_sessions_platform_check" CHECK ("platform_sessions"."platform" in ('instagram','tiktok'))
);
--> statement-breakpoint
ALTER TABLE "platform_sessions" ADD CONSTRAINT "platform_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;