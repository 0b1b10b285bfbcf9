"""Full-text search over needs (Whoosh + jieba), kept in step with the database."""
