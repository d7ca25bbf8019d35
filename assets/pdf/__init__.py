"""PDFs of the rep library: rendering and its cache, the documents, the downloads.

Kept empty: the render process imports ``assets.pdf.render`` without Django set up.
"""
