"""Knowledge base: FAQ content, Japanese retrieval, editor (issue: knowledge base)."""
