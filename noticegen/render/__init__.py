"""Stage 4, render: the model made into outputs in memory (HTML pages and fragments, PDF, the ROPA as HTML, CSV and XLSX, DPV, the JSON export, problem reports); nothing here writes a file."""
