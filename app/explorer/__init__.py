"""The Streamlit explorer (`styrkedja app`): eight Swedish views over a store, every claim with its evidence.

Layout: ``streamlit_app.py`` is the entry script
(``streamlit run app/explorer/streamlit_app.py -- --store DIR``); ``views/`` holds one page script per view;
``data.py`` is the cached data layer (heavy objects once per process, query results per store version);
``facts.py``, ``chart.py``, ``text.py`` and ``uploads.py`` are plain functions the views and tests share.
"""
