"""The monthly bulletin (通报) and the briefing's exports. No Streamlit here.

    from reports import bulletin, document, pdf, word, workbook, images
    with reading(db) as con:
        b = bulletin.assemble(con, month, measure="composite")
    text = document.render(b)                  # templates/bulletin.zh.md.j2, filled
    pdf_bytes = pdf.write(document.blocks(text))
    docx_bytes = word.write(document.blocks(text))
"""
