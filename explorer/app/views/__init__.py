"""The app's Bokeh views, one per module; each is fed plain data by the controller and never computes statistics."""
