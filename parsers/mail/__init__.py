"""parsers/mail"""
