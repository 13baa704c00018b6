"""parsers/docx"""
