"""Tools for course authors, not for learners: execute and store notebooks, build the exercises.

    python -m authoring.run_notebooks --store notebooks/00_medical_images.ipynb
    python -m authoring.build_exercises 01_convolution

Run them from the repository's root folder (see CONTRIBUTING.md).
"""
