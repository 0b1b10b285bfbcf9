"""The "1030" industry taxonomy: clusters, chains, bilingual keywords, need classification."""
