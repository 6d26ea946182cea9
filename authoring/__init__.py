"""Tools for course authors, not for learners: execute and store notebooks, build the exercises.

    python -m authoring.run_notebooks --store notebooks/NN_name.ipynb
    python -m authoring.build_exercises NN_name

Run them from the repository's root folder (see CONTRIBUTING.md).
"""
