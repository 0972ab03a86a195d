"""elkaar: leren van collega's in de publieke sector."""
