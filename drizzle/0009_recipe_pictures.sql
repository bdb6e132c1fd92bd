-- Cookmark keeps each library recipe's picture itself (two sizes, re-encoded): social sites'
-- picture links are signed and expire within days, and Mealie 3.26+ will not fetch from private
-- addresses. A new table only: recipes saved before keep their image_url and show it as before.
CREATE TABLE "recipe_pictures" (
	"recipe_id" uuid NOT NULL,
	"size" text NOT NULL,
	"bytes" bytea NOT NULL,
	"content_type" text NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"hash" text NOT NULL,
	"source_url" text NOT NULL,
	"fetched_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "recipe_pictures_recipe_id_size_pk" PRIMARY KEY("recipe_id","size"),
	CONSTRAINT "recipe_pictures_size_check" CHECK ("recipe_pictures"."size" in ('full','thumb'))
);
--> statement-breakpoint
-- The bytes are WebP, already compressed: stored out of line without TOAST trying to compress
-- them again.
ALTER TABLE "recipe_pictures" ALTER COLUMN "bytes" SET STORAGE EXTERNAL;--> statement-breakpoint
ALTER TABLE "recipe_pictures" ADD CONSTRAINT "recipe_pictures_recipe_id_recipes_id_fk" FOREIGN KEY ("recipe_id") REFERENCES "public"."recipes"("id") ON DELETE cascade ON UPDATE no action;
