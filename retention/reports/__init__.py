"""What the retention registers say (rows, covers) and how they are printed (PDF, XLSX)."""
