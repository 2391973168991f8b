"""Printed reports of the retention workflows (PDF through WeasyPrint, XLSX through openpyxl)."""
