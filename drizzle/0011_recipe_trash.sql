-- A deleted recipe is hidden rather than removed, so the person can undo the delete for a while
-- (src/lib/server/recipes/trash.ts). Existing rows stay as they are: null means not deleted.
ALTER TABLE "recipes" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
-- Only deleted rows are in it: the purge finds them without reading the library.
CREATE INDEX "recipes_deleted_idx" ON "recipes" USING btree ("deleted_at") WHERE "recipes"."deleted_at" is not null;
