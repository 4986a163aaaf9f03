"""The site: every generated page and download of the catalogue, as a plain function (:func:`render_site`).

``routes`` (page paths and links), ``render`` (the template engine), ``pages`` (what each page shows),
``svg`` (charts), ``github`` (the "Suggest a change" links), ``docs`` (a plain docs folder for any builder),
``templates/`` (the prose and layout of every page and chart).
"""

from conformap.site.github import GitHub
from conformap.site.pages import edit_paths, render_site

__all__ = ["GitHub", "edit_paths", "render_site"]
