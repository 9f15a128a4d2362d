"""Reports and charts built from the analysis: terminal charts and exported documents."""
