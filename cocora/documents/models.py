"""HTML to PDF rendering with WeasyPrint and a fetcher that reads only our own files."""
