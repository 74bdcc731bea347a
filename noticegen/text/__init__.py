"""Stage 0, text: the words noticegen itself writes (gettext catalogues, dates, lists), how hard a text is to read, and characters that are not what they look like."""
