"""Tools for course authors, not for learners: execute and store notebooks, build the exercises.

    python -m authoring.run_notebooks --store notebooks/NN_name.ipynb
    python -m authoring.build_exercises NN_name

Run them from the repository's root folder (see CONTRIBUTING.md).
"""

from medlearn._notebook_files import skip_iri_grammar

skip_iri_grammar()  # every authoring tool reads notebooks: see medlearn._notebook_files
