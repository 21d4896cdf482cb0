# The app in one container: `streamlit run app.py` on port 8501. For a lecture hall, run several
# behind a load balancer with deploy/compose.yaml (see the README, "Hosting a lecture").
FROM python:3.12-slim

# One BLAS thread: a replica is one process with one interpreter, one core's worth of Python.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OPENBLAS_NUM_THREADS=1

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY .streamlit .streamlit
COPY app.py .
COPY explorer explorer
COPY docs docs

RUN useradd --create-home explorer
USER explorer
EXPOSE 8501
HEALTHCHECK --interval=10s --timeout=3s \
    CMD python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=2)"
CMD ["streamlit", "run", "app.py", "--server.address=0.0.0.0", "--server.port=8501", \
     "--server.fileWatcherType=none"]
