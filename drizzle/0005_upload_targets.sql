CREATE TABLE "recipe_uploads" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"recipe_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"base_url" text NOT NULL,
	"remote_id" text NOT NULL,
	"remote_url" text NOT NULL,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "recipe_uploads_kind_check" CHECK ("recipe_uploads"."kind" in ('tandoor','mealie'))
);
--> statement-breakpoint
CREATE TABLE "user_targets" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"base_url" text,
	"token_sealed" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_targets_kind_check" CHECK ("user_targets"."kind" in ('none','tandoor','mealie')),
	CONSTRAINT "user_targets_complete_check" CHECK ("user_targets"."kind" = 'none' or ("user_targets"."base_url" is not null and "user_targets"."token_sealed" is not null))
);
--> statement-breakpoint
ALTER TABLE "recipe_uploads" ADD CONSTRAINT "recipe_uploads_recipe_id_recipes_id_fk" FOREIGN KEY ("recipe_id") REFERENCES "public"."recipes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_targets" ADD CONSTRAINT "user_targets_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "recipe_uploads_target_uq" ON "recipe_uploads" USING btree ("recipe_id","kind","base_url");