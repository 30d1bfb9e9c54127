"""One scenario assessed under a view (``assess``), two compared, many evaluated one at a time."""
