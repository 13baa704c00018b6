"""The WordprocessingML layer shared by the .docx reader and writers.

Like python-docx's `oxml`: namespaces, and the one definition of which elements are
paragraphs and runs and what text a run shows. Reader and writers must agree on it, or
offsets computed on a copy would land in the wrong place in the redline.
"""
