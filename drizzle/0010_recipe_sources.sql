-- Every link that led to a library recipe, as a dedupe key: one recipe per user and key, so twin
-- links (short and long, canonical, tracking parameters) save one dish, and a share of a saved
-- link makes no new item. Numbered 0010: 0009 is the recipe pictures' migration.
CREATE TABLE "recipe_sources" (
	"user_id" uuid NOT NULL,
	"key" text NOT NULL,
	"recipe_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "recipe_sources_user_id_key_pk" PRIMARY KEY("user_id","key")
);
--> statement-breakpoint
ALTER TABLE "recipe_sources" ADD CONSTRAINT "recipe_sources_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recipe_sources" ADD CONSTRAINT "recipe_sources_recipe_id_recipes_id_fk" FOREIGN KEY ("recipe_id") REFERENCES "public"."recipes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "recipe_sources_recipe_idx" ON "recipe_sources" USING btree ("recipe_id");--> statement-breakpoint
-- Recipes saved before this migration are keyed by the link shared for them: their item's dedupe
-- key, which enqueue computed with normalizeUrl (a key SQL could not compute alike). Where several
-- recipes came from one link, the newest takes the key and later shares update it; the older
-- copies stay in the library untouched, for the person to keep or delete. A recipe whose item was
-- deleted has no key and is never merged into.
INSERT INTO "recipe_sources" ("user_id", "key", "recipe_id")
SELECT DISTINCT ON (r."user_id", q."dedupe_key") r."user_id", q."dedupe_key", r."id"
FROM "recipes" r JOIN "queue_items" q ON q."id" = r."item_id"
WHERE q."dedupe_key" IS NOT NULL
ORDER BY r."user_id", q."dedupe_key", r."created_at" DESC, r."id" DESC;
